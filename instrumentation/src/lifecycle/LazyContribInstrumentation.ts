/**
 * An OpenTelemetry contrib instrumentation that is loaded only when the app loads its library.
 * This registers the library's module names (and the internal files the contrib patches) with
 * the shared require hook, as the contrib would, but the contrib package itself is `require`d
 * the first time one of them loads; its own patch functions then run on that module, so the
 * behaviour is exactly the contrib's. An app that never loads the library never loads the
 * contrib.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  type InstrumentationConfig,
  type InstrumentationModuleDefinition,
} from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';

/** An internal file a contrib patches, with its own versions when they differ from its module's. */
export type ContribFile = string | { readonly name: string; readonly versions: readonly string[] };

/**
 * One module definition a contrib instrumentation patches: its name, versions and internal
 * files, in the contrib's own order (a contrib may define one module name twice, for two version
 * ranges, and one file twice; the position tells them apart).
 */
export interface ContribModule {
  readonly name: string;
  readonly versions: readonly string[];
  readonly files?: readonly ContribFile[];
}

/** A contrib instrumentation, described without loading it. */
export interface ContribLibrary {
  /** The library as the README's compatibility table names it. */
  readonly library: string;
  /** The contrib package that instruments it. */
  readonly contrib: string;
  readonly modules: readonly ContribModule[];
  /** Requires the contrib package and creates its instrumentation, disabled (it is driven from here). */
  readonly load: () => { getModuleDefinitions(): InstrumentationModuleDefinition[] };
}

interface LazyConfig extends InstrumentationConfig {
  readonly library: ContribLibrary;
}

type Patch = (exports: unknown, version?: string) => unknown;

/** Registers `library`'s modules and loads its contrib on the first of them (see the module comment). */
export class LazyContribInstrumentation extends InstrumentationBase<LazyConfig> {
  #definitions: InstrumentationModuleDefinition[] | undefined;

  constructor(library: ContribLibrary) {
    super(`${INSTRUMENTATION_SCOPE.name}/lazy/${library.contrib}`, INSTRUMENTATION_SCOPE.version, {
      library,
    });
  }

  /** Whether the contrib package has been loaded (the app loaded the library). */
  get loaded(): boolean {
    return this.#definitions !== undefined;
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return this.getConfig().library.modules.map(
      (module, moduleIndex) =>
        new InstrumentationNodeModuleDefinition(
          module.name,
          [...module.versions],
          (exports: unknown, version?: string) => this.#delegate(moduleIndex, -1, 'patch', exports, version),
          (exports: unknown, version?: string) =>
            this.#delegate(moduleIndex, -1, 'unpatch', exports, version),
          (module.files ?? []).map((file, fileIndex) => {
            const { name, versions } =
              typeof file === 'string' ? { name: file, versions: module.versions } : file;
            return new InstrumentationNodeModuleFile(
              name,
              [...versions],
              (exports: unknown, version?: string) =>
                this.#delegate(moduleIndex, fileIndex, 'patch', exports, version),
              (exports: unknown, version?: string) =>
                this.#delegate(moduleIndex, fileIndex, 'unpatch', exports, version),
            );
          }),
        ),
    );
  }

  /** Runs the contrib's own hook of module definition `moduleIndex` (its file `fileIndex`, or the module at -1). */
  #delegate(
    moduleIndex: number,
    fileIndex: number,
    kind: 'patch' | 'unpatch',
    exports: unknown,
    version: string | undefined,
  ): unknown {
    if (kind === 'unpatch' && this.#definitions === undefined) return exports;
    this.#definitions ??= this.getConfig().library.load().getModuleDefinitions();
    const definition = this.#definitions[moduleIndex];
    const target = fileIndex === -1 ? definition : definition?.files[fileIndex];
    const hook = target?.[kind] as Patch | undefined;
    if (hook === undefined) return exports;
    return hook(exports, version) ?? exports;
  }
}
