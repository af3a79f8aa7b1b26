// The package's public entry point (`import ... from 'brook'`).
export { packageInfo } from './util/package-info.js';
