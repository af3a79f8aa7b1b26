// Shared by the console's routes: failures from the client layer become v3-style error bodies
// (the console shows their message), and the error statuses every console route may answer.
import { v3 } from '../rest-v3/cluster-routes.js';
import { errors } from '../rest-v3/resources.js';

export const consoleRoute = v3;
export const consoleErrors = errors(400, 404, 409, 422, 500);
