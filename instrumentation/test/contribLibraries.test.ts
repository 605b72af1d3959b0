/**
 * Faultline registers each contrib instrumentation's modules without loading the contrib
 * (`LazyContribInstrumentation`), so its description must name what the contrib itself patches.
 * The contrib's own module definitions are the oracle: every module it patches is registered
 * here with the same supported versions, and every internal file it patches too, in the
 * contrib's order (the lazy instrumentation hands each hook to the definition at its position).
 * An update of a contrib that patches a new module or file fails here instead of silently
 * leaving that module unpatched.
 */
import { CONTRIB_LIBRARIES } from '../src/lifecycle/contribLibraries.ts';

describe.each(CONTRIB_LIBRARIES.map((library) => ({ library, name: library.contrib })))(
  'the lazy description of $name',
  ({ library }) => {
    const definitions = library.load().getModuleDefinitions();

    it('registers every module the contrib patches, with the contrib’s versions', () => {
      const described = library.modules.map((module) => ({
        name: module.name,
        versions: [...module.versions],
      }));
      const actual = definitions.map((definition) => ({
        name: definition.name,
        versions: [...definition.supportedVersions],
      }));
      expect(described).toEqual(actual);
    });

    it('registers every internal file the contrib patches, in its order, with its versions', () => {
      const described = library.modules.map((module) =>
        (module.files ?? []).map((file) =>
          typeof file === 'string'
            ? { name: file, versions: [...module.versions] }
            : { name: file.name, versions: [...file.versions] },
        ),
      );
      const actual = definitions.map((definition) =>
        definition.files.map((file) => ({ name: file.name, versions: [...file.supportedVersions] })),
      );
      expect(described).toEqual(actual);
    });
  },
);
