// The syntax tree of ksqlDB's SQL dialect, as the parser builds it: nothing here is resolved or
// typed yet (the analyser does that). Names are already normalised: unquoted identifiers upper-
// cased, quoted ones exact. Every node keeps its position for error messages.

import type { SourcePosition } from '../errors.js';

export type Pos = SourcePosition;

// ---- types as written (custom type names are resolved by the analyser) ----

export type TypeAst =
  | { readonly kind: 'primitive'; readonly name: PrimitiveTypeName; readonly pos: Pos }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number; readonly pos: Pos }
  | { readonly kind: 'array'; readonly element: TypeAst; readonly pos: Pos }
  | { readonly kind: 'map'; readonly key: TypeAst; readonly value: TypeAst; readonly pos: Pos }
  | { readonly kind: 'struct'; readonly fields: ReadonlyArray<{ readonly name: string; readonly type: TypeAst }>; readonly pos: Pos }
  | { readonly kind: 'custom'; readonly name: string; readonly pos: Pos };

export type PrimitiveTypeName = 'BOOLEAN' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'STRING' | 'BYTES' | 'DATE' | 'TIME' | 'TIMESTAMP';

// ---- expressions ----

export type LiteralValue =
  | { readonly type: 'NULL' }
  | { readonly type: 'BOOLEAN'; readonly value: boolean }
  /** Digits only; INTEGER when it fits 32 bits, else BIGINT (decided by the analyser). */
  | { readonly type: 'INTEGER'; readonly text: string }
  /** Digits with a decimal point: a DECIMAL literal with the written precision and scale. */
  | { readonly type: 'DECIMAL'; readonly text: string }
  /** With an exponent: a DOUBLE literal. */
  | { readonly type: 'DOUBLE'; readonly text: string }
  | { readonly type: 'STRING'; readonly value: string };

export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

export type Expression =
  | { readonly kind: 'literal'; readonly literal: LiteralValue; readonly pos: Pos }
  /** `name` or `source.name`. */
  | { readonly kind: 'column'; readonly source: string | undefined; readonly name: string; readonly pos: Pos }
  /** `base->field` (STRUCT field). */
  | { readonly kind: 'deref'; readonly base: Expression; readonly field: string; readonly pos: Pos }
  /** `base[index]`: arrays from 1 (negative from the end), maps by key. */
  | { readonly kind: 'subscript'; readonly base: Expression; readonly index: Expression; readonly pos: Pos }
  /** A function call; `star` for COUNT(*). Lambdas are arguments of kind 'lambda'. */
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expression[]; readonly star: boolean; readonly pos: Pos }
  | { readonly kind: 'lambda'; readonly params: readonly string[]; readonly body: Expression; readonly pos: Pos }
  /** A time unit given as a function argument (e.g. TIMESTAMPADD(SECONDS, 5, ts)). */
  | { readonly kind: 'timeUnit'; readonly unit: string; readonly pos: Pos }
  | { readonly kind: 'negate'; readonly operand: Expression; readonly pos: Pos }
  | { readonly kind: 'arithmetic'; readonly op: ArithmeticOp; readonly left: Expression; readonly right: Expression; readonly pos: Pos }
  | { readonly kind: 'concat'; readonly left: Expression; readonly right: Expression; readonly pos: Pos }
  | { readonly kind: 'compare'; readonly op: ComparisonOp; readonly left: Expression; readonly right: Expression; readonly pos: Pos }
  | { readonly kind: 'and' | 'or'; readonly left: Expression; readonly right: Expression; readonly pos: Pos }
  | { readonly kind: 'not'; readonly operand: Expression; readonly pos: Pos }
  | { readonly kind: 'isNull'; readonly operand: Expression; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'distinctFrom'; readonly left: Expression; readonly right: Expression; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'between'; readonly value: Expression; readonly low: Expression; readonly high: Expression; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'in'; readonly value: Expression; readonly list: readonly Expression[]; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'like'; readonly value: Expression; readonly pattern: Expression; readonly escape: string | undefined; readonly negated: boolean; readonly pos: Pos }
  | {
      readonly kind: 'case';
      /** The operand of a simple CASE (CASE x WHEN 1 THEN ...); undefined for a searched CASE. */
      readonly operand: Expression | undefined;
      readonly whens: ReadonlyArray<{ readonly when: Expression; readonly then: Expression }>;
      readonly otherwise: Expression | undefined;
      readonly pos: Pos;
    }
  | { readonly kind: 'cast'; readonly operand: Expression; readonly type: TypeAst; readonly pos: Pos }
  | { readonly kind: 'arrayCtor'; readonly items: readonly Expression[]; readonly pos: Pos }
  | { readonly kind: 'mapCtor'; readonly entries: ReadonlyArray<{ readonly key: Expression; readonly value: Expression }>; readonly pos: Pos }
  | { readonly kind: 'structCtor'; readonly fields: ReadonlyArray<{ readonly name: string; readonly value: Expression }>; readonly pos: Pos }
  /** `identifier 'text'`: a typed literal such as DATE '2021-01-01' (TIME, TIMESTAMP, DECIMAL too). */
  | { readonly kind: 'typedLiteral'; readonly typeName: string; readonly text: string; readonly pos: Pos }
  | { readonly kind: 'atTimeZone'; readonly value: Expression; readonly zone: string; readonly pos: Pos };

// ---- queries ----

export type SelectItem =
  | { readonly kind: 'expression'; readonly expression: Expression; readonly alias: string | undefined; readonly pos: Pos }
  /** `*` or `source.*`. */
  | { readonly kind: 'all'; readonly source: string | undefined; readonly pos: Pos }
  /** `base->*`. */
  | { readonly kind: 'structAll'; readonly base: Expression; readonly pos: Pos };

export interface AliasedSource {
  readonly name: string;
  readonly alias: string | undefined;
  readonly pos: Pos;
}

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';

export interface WithinClause {
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly graceMs: number | undefined;
}

export interface JoinClause {
  readonly type: JoinType;
  readonly source: AliasedSource;
  readonly within: WithinClause | undefined;
  readonly on: Expression;
  readonly pos: Pos;
}

export interface WindowClause {
  readonly type: 'TUMBLING' | 'HOPPING' | 'SESSION';
  /** Window size (tumbling, hopping) or the inactivity gap (session), ms. */
  readonly sizeMs: number;
  readonly advanceMs: number | undefined;
  readonly retentionMs: number | undefined;
  readonly graceMs: number | undefined;
  readonly pos: Pos;
}

export interface Query {
  readonly select: readonly SelectItem[];
  readonly from: AliasedSource;
  readonly joins: readonly JoinClause[];
  readonly window: WindowClause | undefined;
  readonly where: Expression | undefined;
  readonly groupBy: readonly Expression[] | undefined;
  readonly partitionBy: readonly Expression[] | undefined;
  readonly having: Expression | undefined;
  readonly emit: 'CHANGES' | 'FINAL' | undefined;
  readonly limit: number | undefined;
  readonly pos: Pos;
}

// ---- statements ----

export type SourceType = 'STREAM' | 'TABLE';

export interface TableElement {
  readonly name: string;
  readonly type: TypeAst;
  /** KEY (streams) or PRIMARY KEY (tables). */
  readonly key: 'KEY' | 'PRIMARY KEY' | undefined;
  /** HEADERS (all headers) or HEADER('key') (the last header with that key). */
  readonly headers: { readonly key: string | undefined } | undefined;
  readonly pos: Pos;
}

/** WITH (...) properties: names upper-cased, values as literals. */
export type Properties = ReadonlyMap<string, { readonly value: LiteralValue; readonly pos: Pos }>;

interface StatementBase {
  /** The statement's text, as ksqlDB echoes it back in responses (`statementText`). */
  readonly text: string;
  readonly pos: Pos;
}

export type Statement = StatementBase &
  (
    | { readonly kind: 'query'; readonly query: Query }
    | {
        readonly kind: 'createSource';
        readonly sourceType: SourceType;
        readonly orReplace: boolean;
        readonly isSource: boolean;
        readonly ifNotExists: boolean;
        readonly name: string;
        readonly elements: readonly TableElement[] | undefined;
        readonly properties: Properties;
      }
    | {
        readonly kind: 'createAsSelect';
        readonly sourceType: SourceType;
        readonly orReplace: boolean;
        readonly ifNotExists: boolean;
        readonly name: string;
        readonly properties: Properties;
        readonly query: Query;
      }
    | { readonly kind: 'insertInto'; readonly target: string; readonly properties: Properties; readonly query: Query }
    | { readonly kind: 'insertValues'; readonly target: string; readonly columns: readonly string[] | undefined; readonly values: readonly Expression[] }
    | { readonly kind: 'dropSource'; readonly sourceType: SourceType; readonly ifExists: boolean; readonly name: string; readonly deleteTopic: boolean }
    | { readonly kind: 'listStreams' | 'listTables' | 'listQueries'; readonly extended: boolean }
    | { readonly kind: 'listTopics'; readonly all: boolean; readonly extended: boolean }
    | { readonly kind: 'listProperties' | 'listFunctions' | 'listTypes' | 'listVariables' }
    | { readonly kind: 'describeSource'; readonly name: string; readonly extended: boolean }
    | { readonly kind: 'describeStreams' | 'describeTables'; readonly extended: boolean }
    | { readonly kind: 'describeFunction'; readonly name: string }
    | { readonly kind: 'print'; readonly topic: string; readonly fromBeginning: boolean; readonly interval: number | undefined; readonly limit: number | undefined }
    | { readonly kind: 'terminate' | 'pause' | 'resume'; readonly queryId: string | undefined /* undefined: ALL */ }
    | { readonly kind: 'setProperty' | 'alterSystem'; readonly name: string; readonly value: string }
    | { readonly kind: 'unsetProperty'; readonly name: string }
    | { readonly kind: 'defineVariable'; readonly name: string; readonly value: string }
    | { readonly kind: 'undefineVariable'; readonly name: string }
    | { readonly kind: 'explain'; readonly queryId: string | undefined; readonly statement: Statement | undefined }
    | { readonly kind: 'registerType'; readonly name: string; readonly ifNotExists: boolean; readonly type: TypeAst }
    | { readonly kind: 'dropType'; readonly name: string; readonly ifExists: boolean }
    | { readonly kind: 'alterSource'; readonly sourceType: SourceType; readonly name: string; readonly columns: ReadonlyArray<{ readonly name: string; readonly type: TypeAst }> }
    | { readonly kind: 'runScript'; readonly path: string }
    | { readonly kind: 'unsupported'; readonly what: string }
  );

export type StatementKind = Statement['kind'];
