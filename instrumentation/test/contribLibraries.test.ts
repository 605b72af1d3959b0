/**
 * Faultline registers each contrib instrumentation's modules without loading the contrib
 * (`LazyContribInstrumentation`), so its description must name what the contrib itself patches.
 * The contrib's own module definitions are the oracle: every module it patches is registered
 * here with the same supported versions, and every internal file it patches is registered too.
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

    it('registers every internal file the contrib patches', () => {
      for (const definition of definitions) {
        const files = library.modules.find((module) => module.name === definition.name)?.files ?? [];
        expect([...files].sort()).toEqual(definition.files.map((file) => file.name).sort());
      }
    });
  },
);
