// Writes descriptor.json, the protobufjs form of the OTLP trace definitions
// in this folder, which decode.ts loads: a JSON module bundles everywhere
// (tsx, vitest, the Next.js server) where reading .proto files at run time
// would need a path. test/otlp/decode.test.ts checks that the two agree.
// Run after changing a .proto file: npx tsx ingest/parsers/otlp/proto/generate.ts
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';

export const PROTO_DIR = path.resolve(import.meta.dirname);
export const DESCRIPTOR_FILE = path.join(PROTO_DIR, 'descriptor.json');
const ENTRY = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

/** The definitions as protobufjs reads them from the .proto files. */
export function descriptorFromProtos(): protobuf.INamespace {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
  root.loadSync(ENTRY, { keepCase: false });
  root.resolveAll();
  return root.toJSON();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  fs.writeFileSync(DESCRIPTOR_FILE, JSON.stringify(descriptorFromProtos(), null, 1) + '\n');
  process.stdout.write(`wrote ${DESCRIPTOR_FILE}\n`);
}
