// Emits one generated module's structs: for each struct of a message, its interface and the
// read/size/write functions (plus default and isDefault helpers where tagged fields or absent
// fields need them), and the import lines for the primitives they use.
import { cond, guard, intersect, parseRange, pick, subtract, type Range } from './generate-protocol-ranges.js';
import { ELEMENT_NAME, PRIMITIVES, camel, docText, type FieldSpec, type MessageSpec } from './generate-protocol-spec.js';

// ---- model ----
interface Struct {
  tsName: string;
  about: string;
  fields: FieldSpec[];
  ctx: Range; // versions in which the struct can occur
  needsDefault: boolean;
  needsIsDefault: boolean;
}

export class ModuleBuilder {
  readonly structs = new Map<string, Struct>(); // spec struct name -> struct
  readonly imports = new Set<string>();
  readonly out: string[] = [];
  readonly flexRange: Range;

  constructor(readonly msg: MessageSpec) {
    this.flexRange = parseRange(msg.flexibleVersions);
    const valid = parseRange(msg.validVersions);
    for (const c of msg.commonStructs ?? []) {
      this.structs.set(c.name, this.newStruct(c.name, '', c.fields, valid));
    }
    this.structs.set('', { ...this.newStruct('', '', msg.fields, valid), tsName: msg.name });
    this.collect(msg.fields, valid);
  }

  private newStruct(name: string, about: string, fields: FieldSpec[], ctx: Range): Struct {
    const tsName = name.startsWith(this.msg.name) ? name : this.msg.name + name;
    return { tsName, about, fields, ctx, needsDefault: false, needsIsDefault: false };
  }

  private collect(fields: FieldSpec[], ctx: Range): void {
    for (const f of fields) {
      const elem = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
      if (PRIMITIVES[elem] || !f.fields) continue;
      if (this.structs.has(elem)) throw new Error(`${this.msg.name}: struct ${elem} defined twice`);
      const fctx = intersect(ctx, parseRange(f.versions));
      this.structs.set(elem, this.newStruct(elem, f.about ?? '', f.fields, fctx));
      this.collect(f.fields, fctx);
    }
  }

  struct(type: string): Struct {
    const s = this.structs.get(type);
    if (!s) throw new Error(`${this.msg.name}: unknown type ${type}`);
    return s;
  }

  use(name: string): string {
    this.imports.add(name);
    return name;
  }

  // ---- per-field facts within a struct context ----
  facts(f: FieldSpec, ctx: Range) {
    const present = intersect(parseRange(f.versions), ctx);
    const tagged = f.tag !== undefined ? intersect(intersect(parseRange(f.taggedVersions), present), this.flexRange) : null;
    const regular = subtract(present, tagged);
    const nullableAll = intersect(parseRange(f.nullableVersions), ctx);
    return { present, tagged, regular, nullableAll };
  }

  tsType(f: FieldSpec, ctx: Range): string {
    const arr = f.type.startsWith('[]');
    const elem = arr ? f.type.slice(2) : f.type;
    const base = elem === 'records' ? this.use('RecordsView') : PRIMITIVES[elem] ? PRIMITIVES[elem].ts : this.struct(elem).tsName;
    const t = arr ? `${base}[]` : base;
    const nullable = this.facts(f, ctx).nullableAll !== null || (f.type === 'records' && f.nullableVersions !== undefined);
    return nullable ? `${t} | null` : t;
  }

  /** The value a field decodes to when absent (TypeScript expression). */
  defaultExpr(f: FieldSpec, forInput: boolean): string {
    const d = f.default;
    const isNull = d === 'null';
    if (f.type.startsWith('[]')) return isNull ? 'null' : '[]';
    switch (f.type) {
      case 'bool':
        return String(d === true || d === 'true');
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
        return d === undefined || d === '' ? '0' : String(Number(d));
      case 'int64':
        return d === undefined || d === '' ? '0n' : `${BigInt(d)}n`;
      case 'float64':
        return d === undefined || d === '' ? '0' : String(Number(d));
      case 'uuid':
        return this.use('ZERO_UUID');
      case 'string':
        return isNull ? 'null' : JSON.stringify(String(d ?? ''));
      case 'bytes':
        return isNull ? 'null' : this.use('EMPTY_BYTES');
      case 'records':
        return f.nullableVersions !== undefined ? 'null' : this.use('EMPTY_RECORDS');
      default: {
        if (isNull) return 'null';
        const s = this.struct(f.type);
        if (forInput) return '{}';
        s.needsDefault = true;
        return `default${s.tsName}()`;
      }
    }
  }

  /** Encoder access to a field: the input value, or its default when missing. */
  inputExpr(f: FieldSpec, ctx: Range): string {
    const d = this.defaultExpr(f, true);
    const key = `x.${camel(f.name)}`;
    const mayBeNull = this.tsType(f, ctx).endsWith('| null');
    return mayBeNull && d !== 'null' ? `(${key} === undefined ? ${d} : ${key})` : `(${key} ?? ${d})`;
  }

  // ---- expressions per type; C = compact flag expression, NC = nullable condition ----
  readExpr(f: FieldSpec, C: string, NC: string): string {
    const arr = f.type.startsWith('[]');
    const elem = arr ? f.type.slice(2) : f.type;
    if (arr) {
      let reader: string;
      if (elem === 'string') {
        reader = pick(C, this.use('readCompactStringElement'), this.use('readStringElement'));
      } else if (ELEMENT_NAME[elem]) {
        reader = this.use(`read${ELEMENT_NAME[elem]}Element`);
      } else {
        reader = `read${this.struct(elem).tsName}`;
      }
      return pick(NC, `r.nullableArray(${C}, ${reader}, v)`, `r.array(${C}, ${reader}, v)`);
    }
    switch (elem) {
      case 'string':
        return pick(NC, `r.nullableString(${C})`, `r.string(${C})`);
      case 'bytes':
        return pick(NC, `r.nullableBytes(${C})`, `r.bytes(${C})`);
      case 'records':
        return pick(NC, `r.records(${C})`, `r.nonNullRecords(${C})`);
      default:
        if (PRIMITIVES[elem]) return `r.${elem}()`;
        return pick(NC, `(r.present() ? read${this.struct(elem).tsName}(r, v) : null)`, `read${this.struct(elem).tsName}(r, v)`);
    }
  }

  sizeExpr(f: FieldSpec, val: string, C: string, NC: string): string {
    const arr = f.type.startsWith('[]');
    const elem = arr ? f.type.slice(2) : f.type;
    if (arr) {
      const fixed = PRIMITIVES[elem]?.fixed;
      if (fixed !== undefined) return `${this.use('fixedArraySize')}(${val}, ${C}, ${fixed})`;
      const sizer =
        elem === 'string'
          ? pick(C, this.use('compactStringElementSize'), this.use('stringElementSize'))
          : `size${this.struct(elem).tsName}`;
      return pick(NC, `${this.use('nullableArraySize')}(${val}, ${C}, ${sizer}, v)`, `${this.use('arraySize')}(${val}, ${C}, ${sizer}, v)`);
    }
    switch (elem) {
      case 'string':
        return pick(NC, `${this.use('nullableStringSize')}(${val}, ${C})`, `${this.use('stringSize')}(${val}, ${C})`);
      case 'bytes':
        return pick(NC, `${this.use('nullableBytesSize')}(${val}, ${C})`, `${this.use('bytesSize')}(${val}, ${C})`);
      case 'records':
        return pick(NC, `${this.use('recordsSize')}(${val}, ${C})`, `${this.use('nonNullRecordsSize')}(${val}, ${C})`);
      default: {
        const fixed = PRIMITIVES[elem]?.fixed;
        if (fixed !== undefined) return String(fixed);
        const s = this.struct(elem).tsName;
        return pick(NC, `${this.use('nullableStructSize')}(${val}, size${s}, v)`, `size${s}(${val}, v)`);
      }
    }
  }

  writeStmt(f: FieldSpec, val: string, C: string, NC: string): string {
    const arr = f.type.startsWith('[]');
    const elem = arr ? f.type.slice(2) : f.type;
    if (arr) {
      let writer: string;
      if (elem === 'string') writer = pick(C, this.use('writeCompactStringElement'), this.use('writeStringElement'));
      else if (ELEMENT_NAME[elem]) writer = this.use(`write${ELEMENT_NAME[elem]}Element`);
      else writer = `write${this.struct(elem).tsName}`;
      return NC === 'true'
        ? `w.nullableArray(${val}, ${C}, ${writer}, v)`
        : NC === 'false'
          ? `w.array(${val}, ${C}, ${writer}, v)`
          : `${NC} ? w.nullableArray(${val}, ${C}, ${writer}, v) : w.array(${val}, ${C}, ${writer}, v)`;
    }
    const alt = (yes: string, no: string): string =>
      NC === 'true' ? yes : NC === 'false' ? no : `${NC} ? ${yes} : ${no}`;
    switch (elem) {
      case 'string':
        return alt(`w.nullableString(${val}, ${C})`, `w.string(${val}, ${C})`);
      case 'bytes':
        return alt(`w.nullableBytes(${val}, ${C})`, `w.bytes(${val}, ${C})`);
      case 'records':
        return alt(`w.records(${val}, ${C})`, `w.nonNullRecords(${val}, ${C})`);
      default:
        if (PRIMITIVES[elem]) return `w.${elem}(${val})`;
        return alt(`w.nullableStruct(${val}, write${this.struct(elem).tsName}, v)`, `write${this.struct(elem).tsName}(w, ${val}, v)`);
    }
  }

  /** True when a (tagged) value differs from its default and must be written. */
  isSetExpr(f: FieldSpec, t: string): string {
    const d = this.defaultExpr(f, true);
    const elem = f.type.startsWith('[]') ? '[]' : f.type;
    if (elem === '[]' || elem === 'bytes' || elem === 'records') {
      return d === 'null' ? `${t} !== null` : `(${t} === null || ${t}.length > 0)`;
    }
    if (PRIMITIVES[elem] || d === 'null') return `${t} !== ${d}`;
    const s = this.struct(elem);
    s.needsIsDefault = true;
    return `!isDefault${s.tsName}(${t}, v)`;
  }

  /** Compact-flag expression for a field occurring in `r` (uses the function's `flex`). */
  compact(r: Range, uses: { flex: boolean }): string {
    const c = cond(this.flexRange, r);
    if (c === 'true' || c === 'false') return c;
    uses.flex = true;
    return 'flex';
  }

  flexDecl(ctx: Range): string {
    return `  const flex = ${cond(this.flexRange, ctx)};`;
  }

  // ---- emitters ----
  emitInterface(s: Struct): void {
    const o = this.out;
    if (s.about) o.push(`/** ${docText(s.about)} */`);
    o.push(`export interface ${s.tsName} {`);
    for (const f of s.fields) {
      if (f.about) o.push(`  /** ${docText(f.about)} */`);
      o.push(`  ${camel(f.name)}: ${this.tsType(f, s.ctx)};`);
    }
    o.push('}', '');
  }

  emitRead(s: Struct): void {
    const uses = { flex: false };
    const body: string[] = [];
    const tagged: string[] = [];
    const props: string[] = [];
    for (const f of s.fields) {
      const { regular, tagged: tr } = this.facts(f, s.ctx);
      const def = this.defaultExpr(f, false);
      const rc = cond(regular, s.ctx);
      const nullable = parseRange(f.nullableVersions);
      const expr = rc === 'false' ? def : pick(rc, this.readExpr(f, this.compact(regular, uses), cond(nullable, regular)), def);
      props.push(`${camel(f.name)}: ${expr}`);
      if (tr && f.tag !== undefined) {
        const flexCtx = intersect(s.ctx, this.flexRange);
        const tc = cond(tr, flexCtx);
        const read = `o.${camel(f.name)} = ${this.readExpr(f, 'true', cond(nullable, tr))};`;
        tagged.push(`${f.tag}\u0000      case ${f.tag}: ${guard(tc, read)} break;`);
      }
    }
    const flexCond = cond(this.flexRange, s.ctx);
    const hasTags = tagged.length > 0;
    if (flexCond !== 'true' && flexCond !== 'false') uses.flex = true; // the tagged section needs it
    if (uses.flex) body.push(this.flexDecl(s.ctx));
    const literal = props.length === 0 ? '{}' : `{\n    ${props.join(',\n    ')},\n  }`;
    if (flexCond === 'false') {
      body.push(`  return ${literal};`);
    } else if (!hasTags) {
      body.push(`  const o: ${s.tsName} = ${literal};`);
      body.push(`  ${guard(flexCond === 'true' ? 'true' : 'flex', 'r.skipTaggedFields();')}`);
      body.push('  return o;');
    } else {
      tagged.sort((a, b) => Number(a.split('\u0000')[0]) - Number(b.split('\u0000')[0]));
      body.push(`  const o: ${s.tsName} = ${literal};`);
      body.push(`  ${flexCond === 'true' ? '' : 'if (flex) '}for (let n = r.uvarint(); n > 0; n--) {`);
      body.push('    const tag = r.uvarint();');
      body.push('    const end = r.beginTagged();');
      body.push('    switch (tag) {');
      for (const t of tagged) body.push(t.split('\u0000')[1]!);
      body.push('    }');
      body.push('    r.endTagged(end);');
      body.push('  }');
      body.push('  return o;');
    }
    this.out.push(
      `export function read${s.tsName}(r: ${this.use('ByteReader')}, v: number): ${s.tsName} {`,
      ...body,
      '}',
      '',
    );
  }

  emitSizeAndWrite(s: Struct): void {
    const su = { flex: false };
    const wu = { flex: false };
    const size: string[] = [];
    const write: string[] = [];
    let constant = 0;
    const taggedFields: FieldSpec[] = [];
    for (const f of s.fields) {
      const { regular, tagged } = this.facts(f, s.ctx);
      if (tagged) taggedFields.push(f);
      const rc = cond(regular, s.ctx);
      if (rc === 'false') continue;
      const nc = cond(parseRange(f.nullableVersions), regular);
      const val = this.inputExpr(f, s.ctx);
      const se = this.sizeExpr(f, val, this.compact(regular, su), nc);
      if (rc === 'true' && /^\d+$/.test(se)) constant += Number(se);
      else size.push(`  ${guard(rc, `s += ${se};`)}`);
      write.push(`  ${guard(rc, `${this.writeStmt(f, val, this.compact(regular, wu), nc)};`)}`);
    }
    const flexCond = cond(this.flexRange, s.ctx);
    if (flexCond !== 'false') {
      const fc = flexCond === 'true' ? 'true' : 'flex';
      if (fc === 'flex') su.flex = wu.flex = true;
      taggedFields.sort((a, b) => a.tag! - b.tag!);
      if (taggedFields.length === 0) {
        if (fc === 'true') constant += 1;
        else size.push('  if (flex) s += 1;');
        write.push(`  ${guard(fc, 'w.uvarint(0);')}`);
      } else {
        const flexCtx = intersect(s.ctx, this.flexRange);
        const sz: string[] = ['let n = 0;'];
        const wr: string[] = [];
        const counts: string[] = [];
        taggedFields.forEach((f, i) => {
          const { tagged } = this.facts(f, s.ctx);
          const tc = cond(tagged, flexCtx);
          const nc = cond(parseRange(f.nullableVersions), tagged);
          const val = this.inputExpr(f, s.ctx);
          const isSet = this.isSetExpr(f, `t${i}`);
          const when = tc === 'true' ? isSet : `${tc} && ${isSet}`;
          sz.push(`const t${i} = ${val};`);
          sz.push(`if (${when}) { n++; s += ${this.use('taggedFieldSize')}(${f.tag}, ${this.sizeExpr(f, `t${i}`, 'true', nc)}); }`);
          wr.push(`const t${i} = ${val};`, `const h${i} = ${when};`);
          counts.push(`+h${i}`);
        });
        sz.push(`s += ${this.use('unsignedVarintSize')}(n);`);
        wr.push(`w.uvarint(${counts.join(' + ')});`);
        taggedFields.forEach((f, i) => {
          const { tagged } = this.facts(f, s.ctx);
          const nc = cond(parseRange(f.nullableVersions), tagged);
          wr.push(
            `if (h${i}) { w.uvarint(${f.tag}); w.uvarint(${this.sizeExpr(f, `t${i}`, 'true', nc)}); ${this.writeStmt(f, `t${i}`, 'true', nc)}; }`,
          );
        });
        const block = (lines: string[]): string[] =>
          fc === 'true' ? lines.map((l) => `  ${l}`) : ['  if (flex) {', ...lines.map((l) => `    ${l}`), '  }'];
        size.push(...block(sz));
        write.push(...block(wr));
      }
    }
    const input = `${this.use('MessageInput')}<${s.tsName}>`;
    const sizeBody = size.length === 0 ? [`  return ${constant};`] : [`  let s = ${constant};`, ...size, '  return s;'];
    this.out.push(
      `export function size${s.tsName}(x: ${input}, v: number): number {`,
      ...(su.flex ? [this.flexDecl(s.ctx)] : []),
      ...sizeBody,
      '}',
      '',
      `export function write${s.tsName}(w: ${this.use('ByteWriter')}, x: ${input}, v: number): void {`,
      ...(wu.flex ? [this.flexDecl(s.ctx)] : []),
      ...write,
      '}',
      '',
    );
  }

  emitDefault(s: Struct): void {
    const props = s.fields.map((f) => `${camel(f.name)}: ${this.defaultExpr(f, false)}`);
    this.out.push(
      `function default${s.tsName}(): ${s.tsName} {`,
      `  return { ${props.join(', ')} };`,
      '}',
      '',
    );
  }

  emitIsDefault(s: Struct): void {
    const terms: string[] = [];
    for (const f of s.fields) {
      const { present } = this.facts(f, s.ctx);
      const pc = cond(present, s.ctx);
      if (pc === 'false') continue;
      const isSet = this.isSetExpr(f, this.inputExpr(f, s.ctx));
      terms.push(pc === 'true' ? `!(${isSet})` : `!(${pc} && ${isSet})`);
    }
    this.out.push(
      `function isDefault${s.tsName}(x: ${this.use('MessageInput')}<${s.tsName}>, v: number): boolean {`,
      `  return ${terms.length ? terms.join(' &&\n    ') : 'true'};`,
      '}',
      '',
    );
  }

  /** Emits all structs of the message; returns the text (imports collected separately). */
  build(): string {
    const all = [...this.structs.values()];
    const top = all.find((s) => s.tsName === this.msg.name)!;
    const ordered = [top, ...all.filter((s) => s !== top)];
    for (const s of ordered) this.emitInterface(s);
    for (const s of ordered) {
      this.emitRead(s);
      this.emitSizeAndWrite(s);
    }
    // isDefault/default may mark further structs; iterate to a fixed point.
    const doneDefault = new Set<Struct>();
    const doneIs = new Set<Struct>();
    let changed = true;
    while (changed) {
      changed = false;
      for (const s of ordered) {
        if (s.needsIsDefault && !doneIs.has(s)) {
          doneIs.add(s);
          this.emitIsDefault(s);
          changed = true;
        }
        if (s.needsDefault && !doneDefault.has(s)) {
          doneDefault.add(s);
          this.emitDefault(s);
          changed = true;
        }
      }
    }
    const n = this.msg.name;
    const c = camel(n);
    const codec = this.use('MessageCodec');
    this.out.push(
      `export const ${c}Codec: ${codec}<${n}> = { read: read${n}, size: size${n}, write: write${n} };`,
      `export const decode${n} = (buf: Buffer, version: number): ${n} => ${this.use('decodeMessage')}(${c}Codec, buf, version);`,
      `export const encode${n} = (value: MessageInput<${n}>, version: number): Buffer => ${this.use('encodeMessage')}(${c}Codec, value, version);`,
      '',
    );
    return this.out.join('\n');
  }
}

const IMPORT_SOURCES: [string, RegExp, boolean][] = [
  ['../primitives/byte-reader.js', /^(ByteReader|EMPTY_BYTES|EMPTY_RECORDS|RecordsView|read\w+Element)$/, false],
  ['../primitives/byte-writer.js', /^(ByteWriter|ZERO_UUID|\w+Size|write\w+Element|\w+ElementSize)$/, false],
  ['../primitives/codec.js', /^(MessageInput|MessageCodec|ApiDefinition|DataDefinition|decodeMessage|encodeMessage)$/, false],
];
const TYPE_ONLY = new Set(['MessageInput', 'MessageCodec', 'ApiDefinition', 'DataDefinition', 'RecordsView']);

export function importLines(names: Set<string>): string[] {
  const lines: string[] = [];
  for (const [from, re] of IMPORT_SOURCES) {
    const mine = [...names].filter((n) => re.test(n)).sort();
    const types = mine.filter((n) => TYPE_ONLY.has(n));
    const values = mine.filter((n) => !TYPE_ONLY.has(n));
    // ByteReader/ByteWriter are only used as types in generated code.
    const typeish = values.filter((n) => n === 'ByteReader' || n === 'ByteWriter');
    const real = values.filter((n) => n !== 'ByteReader' && n !== 'ByteWriter');
    const allTypes = [...types, ...typeish].sort();
    if (allTypes.length) lines.push(`import type { ${allTypes.join(', ')} } from '${from}';`);
    if (real.length) lines.push(`import { ${real.join(', ')} } from '${from}';`);
  }
  for (const n of names) {
    if (!IMPORT_SOURCES.some(([, re]) => re.test(n))) throw new Error(`no import source for ${n}`);
  }
  return lines;
}
