// Statements of ksqlDB's grammar (SqlBase.g4 `statement` and `query`), one at a time: the text
// given holds exactly one statement, with or without its closing semicolon (splitter.ts cuts a
// script into statements first, so DEFINE can change what later statements substitute).

import type {
  AliasedSource,
  Expression,
  JoinClause,
  JoinType,
  Properties,
  Query,
  SelectItem,
  SourceType,
  Statement,
  TableElement,
  WindowClause,
  WithinClause,
  LiteralValue,
  Pos,
} from './ast.js';
import { ExpressionParser } from './expression-parser.js';
import { tokenize } from './lexer.js';

type StatementBody = Statement extends infer S ? (S extends unknown ? Omit<S, 'text' | 'pos'> : never) : never;

/** Words that end a FROM item, so they are not taken as its alias. */
const CLAUSE_WORDS = new Set(['WINDOW', 'WHERE', 'GROUP', 'PARTITION', 'HAVING', 'EMIT', 'LIMIT', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'ON', 'WITHIN']);

export class StatementParser extends ExpressionParser {
  constructor(private readonly statementText: string) {
    super(tokenize(statementText), statementText);
  }

  /** Parse the one statement of the text. */
  parseOne(): Statement {
    const first = this.peek();
    if (first.kind === 'eof') this.fail('a statement');
    const body = this.statement();
    this.acceptSymbol(';');
    if (this.peek().kind !== 'eof') this.fail("';'");
    const end = this.statementText.length;
    const text = this.statementText.slice(first.start, end).trim();
    return { ...body, text, pos: this.pos(first) } as Statement;
  }

  private statement(): StatementBody {
    const t = this.peek();
    const w = t.kind === 'word' ? t.text : '';
    switch (w) {
      case 'SELECT':
        return { kind: 'query', query: this.query() };
      case 'LIST':
      case 'SHOW':
        this.next();
        return this.show();
      case 'DESCRIBE':
        this.next();
        return this.describe();
      case 'PRINT':
        this.next();
        return this.print();
      case 'TERMINATE':
      case 'PAUSE':
      case 'RESUME': {
        this.next();
        const kind = w === 'TERMINATE' ? 'terminate' : w === 'PAUSE' ? 'pause' : 'resume';
        if (this.acceptWord('ALL')) return { kind, queryId: undefined };
        return { kind, queryId: this.identifier() };
      }
      case 'SET': {
        this.next();
        const name = this.stringLiteral('a property name string');
        this.expectSymbol('=');
        return { kind: 'setProperty', name, value: this.stringLiteral('a property value string') };
      }
      case 'UNSET':
        this.next();
        return { kind: 'unsetProperty', name: this.stringLiteral('a property name string') };
      case 'ALTER':
        this.next();
        return this.alter();
      case 'DEFINE': {
        this.next();
        const name = this.identifier();
        this.expectSymbol('=');
        return { kind: 'defineVariable', name, value: this.stringLiteral('a string value') };
      }
      case 'UNDEFINE':
        this.next();
        return { kind: 'undefineVariable', name: this.identifier() };
      case 'CREATE':
        this.next();
        return this.create();
      case 'INSERT':
        this.next();
        return this.insert();
      case 'DROP':
        this.next();
        return this.drop();
      case 'EXPLAIN': {
        this.next();
        const s = this.peek();
        if (s.kind === 'word' && ['SELECT', 'CREATE', 'INSERT'].includes(s.text)) {
          const inner = this.statement();
          const text = this.statementText.slice(s.start).trim().replace(/;$/, '').trimEnd() + ';';
          return { kind: 'explain', queryId: undefined, statement: { ...inner, text, pos: this.pos(s) } as Statement };
        }
        return { kind: 'explain', queryId: this.identifier(), statement: undefined };
      }
      case 'RUN':
        this.next();
        this.expectWord('SCRIPT');
        return { kind: 'runScript', path: this.stringLiteral('a file path string') };
      case 'ASSERT':
        this.skipRest();
        return { kind: 'unsupported', what: 'ASSERT statements' };
      default:
        return this.unknownStatement(t);
    }
  }

  private skipRest(): void {
    while (!this.atEnd()) this.next();
  }

  private stringLiteral(what: string): string {
    const t = this.peek();
    if (t.kind !== 'string') this.fail(what);
    this.next();
    return t.text;
  }

  private show(): StatementBody {
    if (this.acceptWord('PROPERTIES')) return { kind: 'listProperties' };
    if (this.acceptWord('FUNCTIONS')) return { kind: 'listFunctions' };
    if (this.acceptWord('TYPES')) return { kind: 'listTypes' };
    if (this.acceptWord('VARIABLES')) return { kind: 'listVariables' };
    if (this.acceptWord('STREAMS')) return { kind: 'listStreams', extended: this.acceptWord('EXTENDED') };
    if (this.acceptWord('TABLES')) return { kind: 'listTables', extended: this.acceptWord('EXTENDED') };
    if (this.acceptWord('QUERIES')) return { kind: 'listQueries', extended: this.acceptWord('EXTENDED') };
    const all = this.acceptWord('ALL');
    if (this.acceptWord('TOPICS')) return { kind: 'listTopics', all, extended: this.acceptWord('EXTENDED') };
    if (this.isWord('CONNECTORS') || this.isWord('CONNECTOR') || this.isWord('SOURCE') || this.isWord('SINK')) {
      this.skipRest();
      return { kind: 'unsupported', what: 'connectors' };
    }
    return this.fail("'STREAMS', 'TABLES', 'TOPICS', 'QUERIES', 'PROPERTIES', 'FUNCTIONS', 'TYPES' or 'VARIABLES'");
  }

  private describe(): StatementBody {
    if (this.acceptWord('STREAMS')) return { kind: 'describeStreams', extended: this.acceptWord('EXTENDED') };
    if (this.isWord('TABLES') && (this.isWord('EXTENDED', 1) || this.atEndAfter(1))) {
      this.next();
      return { kind: 'describeTables', extended: this.acceptWord('EXTENDED') };
    }
    if (this.isWord('FUNCTION') && !this.atEndAfter(1)) {
      this.next();
      return { kind: 'describeFunction', name: this.identifier() };
    }
    if (this.isWord('CONNECTOR') && !this.atEndAfter(1)) {
      this.skipRest();
      return { kind: 'unsupported', what: 'connectors' };
    }
    const name = this.identifier();
    return { kind: 'describeSource', name, extended: this.acceptWord('EXTENDED') };
  }

  private atEndAfter(ahead: number): boolean {
    const t = this.peek(ahead);
    return t.kind === 'eof' || (t.kind === 'symbol' && t.text === ';');
  }

  private print(): StatementBody {
    const topic = this.identifierOrString();
    const fromBeginning = this.acceptWord('FROM', 'BEGINNING');
    let interval: number | undefined;
    if (this.acceptWord('INTERVAL') || this.acceptWord('SAMPLE')) interval = this.integer('a number');
    const limit = this.acceptWord('LIMIT') ? this.integer('a number') : undefined;
    return { kind: 'print', topic, fromBeginning, interval, limit };
  }

  private alter(): StatementBody {
    if (this.acceptWord('SYSTEM')) {
      const name = this.stringLiteral('a property name string');
      this.expectSymbol('=');
      return { kind: 'alterSystem', name, value: this.stringLiteral('a property value string') };
    }
    const sourceType = this.sourceType();
    const name = this.identifier();
    const columns: Array<{ name: string; type: ReturnType<ExpressionParser['type']> }> = [];
    do {
      this.expectWord('ADD');
      this.acceptWord('COLUMN');
      const column = this.identifier();
      columns.push({ name: column, type: this.type() });
    } while (this.acceptSymbol(','));
    return { kind: 'alterSource', sourceType, name, columns };
  }

  private sourceType(): SourceType {
    if (this.acceptWord('STREAM')) return 'STREAM';
    if (this.acceptWord('TABLE')) return 'TABLE';
    return this.fail("'STREAM' or 'TABLE'");
  }

  private create(): StatementBody {
    const orReplace = this.acceptWord('OR', 'REPLACE');
    if (!orReplace && this.acceptWord('TYPE')) {
      const ifNotExists = this.acceptWord('IF', 'NOT', 'EXISTS');
      const name = this.identifier();
      this.expectWord('AS');
      return { kind: 'registerType', name, ifNotExists, type: this.type() };
    }
    if ((this.isWord('SOURCE') || this.isWord('SINK')) && this.isWord('CONNECTOR', 1)) {
      this.skipRest();
      return { kind: 'unsupported', what: 'connectors' };
    }
    const isSource = this.acceptWord('SOURCE');
    const sourceType = this.sourceType();
    const ifNotExists = this.acceptWord('IF', 'NOT', 'EXISTS');
    const name = this.identifier();
    const elements = this.isSymbol('(') ? this.tableElements() : undefined;
    const properties = this.acceptWord('WITH') ? this.properties() : new Map();
    if (!isSource && elements === undefined && this.acceptWord('AS')) {
      return { kind: 'createAsSelect', sourceType, orReplace, ifNotExists, name, properties, query: this.query() };
    }
    return { kind: 'createSource', sourceType, orReplace, isSource, ifNotExists, name, elements, properties };
  }

  private tableElements(): TableElement[] {
    this.expectSymbol('(');
    const out: TableElement[] = [];
    do {
      const pos = this.pos();
      const name = this.identifier();
      const type = this.type();
      let key: TableElement['key'];
      let headers: TableElement['headers'];
      if (this.acceptWord('PRIMARY')) {
        this.expectWord('KEY');
        key = 'PRIMARY KEY';
      } else if (this.acceptWord('KEY')) {
        key = 'KEY';
      } else if (this.acceptWord('HEADERS')) {
        headers = { key: undefined };
      } else if (this.acceptWord('HEADER')) {
        this.expectSymbol('(');
        headers = { key: this.stringLiteral('a header key string') };
        this.expectSymbol(')');
      }
      out.push({ name, type, key, headers, pos });
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return out;
  }

  private properties(): Properties {
    this.expectSymbol('(');
    const out = new Map<string, { value: LiteralValue; pos: Pos }>();
    do {
      const pos = this.pos();
      const t = this.peek();
      const name = t.kind === 'string' ? (this.next(), t.text) : this.identifier();
      this.expectSymbol('=');
      out.set(name.toUpperCase(), { value: this.literalValue(), pos });
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return out;
  }

  private insert(): StatementBody {
    this.expectWord('INTO');
    const target = this.identifier();
    if (this.isWord('WITH') || this.isWord('SELECT')) {
      const properties = this.acceptWord('WITH') ? this.properties() : new Map();
      return { kind: 'insertInto', target, properties, query: this.query() };
    }
    let columns: string[] | undefined;
    if (this.acceptSymbol('(')) {
      columns = [this.identifier()];
      while (this.acceptSymbol(',')) columns.push(this.identifier());
      this.expectSymbol(')');
    }
    this.expectWord('VALUES');
    this.expectSymbol('(');
    const values: Expression[] = [];
    if (!this.acceptSymbol(')')) {
      do values.push(this.valueExpression());
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    return { kind: 'insertValues', target, columns, values };
  }

  private drop(): StatementBody {
    if (this.acceptWord('TYPE')) {
      const ifExists = this.acceptWord('IF', 'EXISTS');
      return { kind: 'dropType', name: this.identifier(), ifExists };
    }
    if (this.isWord('CONNECTOR')) {
      this.skipRest();
      return { kind: 'unsupported', what: 'connectors' };
    }
    const sourceType = this.sourceType();
    const ifExists = this.acceptWord('IF', 'EXISTS');
    const name = this.identifier();
    const deleteTopic = this.acceptWord('DELETE', 'TOPIC');
    return { kind: 'dropSource', sourceType, ifExists, name, deleteTopic };
  }

  // ---- SELECT ----

  query(): Query {
    const pos = this.pos();
    this.expectWord('SELECT');
    const select: SelectItem[] = [this.selectItem()];
    while (this.acceptSymbol(',')) select.push(this.selectItem());
    this.expectWord('FROM');
    const from = this.aliasedSource();
    const joins: JoinClause[] = [];
    for (let type = this.joinType(); type !== undefined; type = this.joinType()) joins.push(this.join(type));
    const window = this.acceptWord('WINDOW') ? this.windowClause() : undefined;
    const where = this.acceptWord('WHERE') ? this.expression() : undefined;
    const groupBy = this.acceptWord('GROUP', 'BY') ? this.expressionList() : undefined;
    const partitionBy = this.acceptWord('PARTITION', 'BY') ? this.expressionList() : undefined;
    const having = this.acceptWord('HAVING') ? this.expression() : undefined;
    let emit: Query['emit'];
    if (this.acceptWord('EMIT')) {
      if (this.acceptWord('CHANGES')) emit = 'CHANGES';
      else if (this.acceptWord('FINAL')) emit = 'FINAL';
      else this.fail("'CHANGES' or 'FINAL'");
    }
    const limit = this.acceptWord('LIMIT') ? this.integer('a number') : undefined;
    return { select, from, joins, window, where, groupBy, partitionBy, having, emit, limit, pos };
  }

  private selectItem(): SelectItem {
    const pos = this.pos();
    if (this.acceptSymbol('*')) return { kind: 'all', source: undefined, pos };
    if (this.isIdentifier() && this.isSymbol('.', 1) && this.isSymbol('*', 2)) {
      const source = this.identifier();
      this.i += 2;
      return { kind: 'all', source, pos };
    }
    const expression = this.expression();
    if (this.isSymbol('->') && this.isSymbol('*', 1)) {
      this.i += 2;
      return { kind: 'structAll', base: expression, pos };
    }
    let alias: string | undefined;
    if (this.acceptWord('AS')) alias = this.identifier();
    else if (this.isIdentifier() && !this.isWord('FROM')) alias = this.identifier();
    return { kind: 'expression', expression, alias, pos };
  }

  private aliasedSource(): AliasedSource {
    const pos = this.pos();
    const name = this.identifier();
    let alias: string | undefined;
    if (this.acceptWord('AS')) alias = this.identifier();
    else if (this.isIdentifier() && !this.startsClause()) alias = this.identifier();
    return { name, alias, pos };
  }

  /** A non-reserved word that begins the next clause (EMIT CHANGES, PARTITION BY) is not an alias. */
  private startsClause(): boolean {
    const t = this.peek();
    if (t.kind !== 'word' || !CLAUSE_WORDS.has(t.text)) return false;
    if (t.text === 'EMIT') return this.isWord('CHANGES', 1) || this.isWord('FINAL', 1);
    if (t.text === 'PARTITION') return this.isWord('BY', 1);
    return true;
  }

  private joinType(): JoinType | undefined {
    if (this.acceptWord('JOIN')) return 'INNER';
    if (this.acceptWord('INNER', 'JOIN')) return 'INNER';
    if (this.acceptWord('LEFT', 'JOIN') || this.acceptWord('LEFT', 'OUTER', 'JOIN')) return 'LEFT';
    if (this.acceptWord('RIGHT', 'JOIN') || this.acceptWord('RIGHT', 'OUTER', 'JOIN')) return 'RIGHT';
    if (this.acceptWord('FULL', 'JOIN') || this.acceptWord('FULL', 'OUTER', 'JOIN')) return 'FULL';
    return undefined;
  }

  private join(type: JoinType): JoinClause {
    const pos = this.pos();
    const source = this.aliasedSource();
    let within: WithinClause | undefined;
    if (this.acceptWord('WITHIN')) {
      let beforeMs: number;
      let afterMs: number;
      if (this.acceptSymbol('(')) {
        beforeMs = this.duration();
        this.expectSymbol(',');
        afterMs = this.duration();
        this.expectSymbol(')');
      } else {
        beforeMs = afterMs = this.duration();
      }
      const graceMs = this.acceptWord('GRACE', 'PERIOD') ? this.duration() : undefined;
      within = { beforeMs, afterMs, graceMs };
    }
    this.expectWord('ON');
    return { type, source, within, on: this.expression(), pos };
  }

  private windowClause(): WindowClause {
    const pos = this.pos();
    // An optional window name before the type (IDENTIFIER in the grammar) is ignored.
    if (this.isIdentifier() && !this.isWord('TUMBLING') && !this.isWord('HOPPING') && !this.isWord('SESSION')) this.next();
    let type: WindowClause['type'];
    if (this.acceptWord('TUMBLING')) type = 'TUMBLING';
    else if (this.acceptWord('HOPPING')) type = 'HOPPING';
    else if (this.acceptWord('SESSION')) type = 'SESSION';
    else return this.fail("'TUMBLING', 'HOPPING' or 'SESSION'");
    this.expectSymbol('(');
    if (type !== 'SESSION') this.expectWord('SIZE');
    const sizeMs = this.duration();
    let advanceMs: number | undefined;
    if (type === 'HOPPING') {
      this.expectSymbol(',');
      this.expectWord('ADVANCE', 'BY');
      advanceMs = this.duration();
    }
    let retentionMs: number | undefined;
    let graceMs: number | undefined;
    while (this.acceptSymbol(',')) {
      if (this.acceptWord('RETENTION')) retentionMs = this.duration();
      else if (this.acceptWord('GRACE', 'PERIOD')) graceMs = this.duration();
      else this.fail("'RETENTION' or 'GRACE PERIOD'");
    }
    this.expectSymbol(')');
    return { type, sizeMs, advanceMs, retentionMs, graceMs, pos };
  }

  /** GROUP BY / PARTITION BY: `a, b` or `(a, b)`. */
  private expressionList(): Expression[] {
    if (this.isSymbol('(')) {
      const save = this.i;
      try {
        this.next();
        const list: Expression[] = [];
        if (!this.acceptSymbol(')')) {
          do list.push(this.valueExpression());
          while (this.acceptSymbol(','));
          this.expectSymbol(')');
        }
        if (this.atEnd() || this.isWord('PARTITION') || this.isWord('HAVING') || this.isWord('EMIT') || this.isWord('LIMIT')) return list;
      } catch {
        // not a parenthesised list: parse it as expressions below
      }
      this.i = save;
    }
    const list = [this.valueExpression()];
    while (this.acceptSymbol(',')) list.push(this.valueExpression());
    return list;
  }
}
