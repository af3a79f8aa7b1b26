// Avro schema resolution (Avro 1.11 specification, "Schema Resolution") decides whether data
// written with one schema can be read with another; avsc implements those rules in
// createResolver, which throws when a reader cannot read a writer (a reader field with no
// default that the writer lacks, a type that does not promote, an enum symbol the reader lacks).
import type avro from 'avsc';

/** Empty when `reader` can read everything `writer` wrote; otherwise why not. */
export function avroReadProblems(reader: avro.Type, writer: avro.Type): string[] {
  try {
    reader.createResolver(writer);
    return [];
  } catch (e) {
    return [e instanceof Error ? e.message : String(e)];
  }
}
