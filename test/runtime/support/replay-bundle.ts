import * as fs from 'node:fs';
import * as path from 'node:path';
import { functionOfRuntime, type SynthesizedStack, type TemplateFunction } from './cloud-assembly';

export interface ReplayBundle {
  /** The bundled JavaScript file the Lambda runtime loads. */
  readonly file: string;
  /** The name of the exported handler function. */
  readonly exportName: string;
  /** The template's view of the function: its environment, memory and timeout. */
  readonly fn: TemplateFunction;
}

/**
 * The replay handler as Lambda would load it: the nodejs22.x function's code asset in the synthesized cloud
 * assembly, and the file and export its Handler (`index.handler`) names. Today that asset is the construct's
 * esbuild bundle of handlers/replay.ts; once the package ships a prebuilt bundle, the construct points its code
 * at that file and this finds it unchanged. To test the file inside the packed tarball instead, return its path
 * here.
 */
export function locateReplayBundle(stack: SynthesizedStack): ReplayBundle {
  const fn = functionOfRuntime(stack, 'nodejs22.x');
  const dot = fn.handler.lastIndexOf('.');
  const [module, exportName] = [fn.handler.slice(0, dot), fn.handler.slice(dot + 1)];
  const file = ['.js', '.cjs', '.mjs'].map((ext) => path.join(fn.codeDir, module + ext)).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`the handler ${fn.handler} names no file in ${fn.codeDir}`);
  return { file, exportName, fn };
}
