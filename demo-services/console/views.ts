/**
 * The console's handlebars templates, compiled once. Every value goes through `{{ }}`, which
 * HTML-escapes it; no template uses the unescaped `{{{ }}}` form (a test checks). Pages are
 * composed in code: a section's output is already-escaped HTML, handed to the enclosing
 * template as a SafeString, the only values that are not escaped again.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { PageModel } from './model.ts';
import type { Notice } from './notices.ts';

/** The parts of the page `/api/state` re-renders. */
export const SECTIONS = ['orders', 'faults', 'health', 'alerts'] as const;

/** One of {@link SECTIONS}. */
export type SectionName = (typeof SECTIONS)[number];

/** Every template file of the views directory, by name (`<name>.hbs`). */
export const TEMPLATES = ['layout', 'page', 'confirm', 'links', ...SECTIONS] as const;

type TemplateName = (typeof TEMPLATES)[number];
type Template = (context: object) => string;

/** What the page shows besides the model. */
export interface PageExtras {
  readonly notice: Notice | undefined;
  readonly demoMode: boolean;
  readonly maxBurst: number;
}

/** The compiled templates of one views directory. */
export class Views {
  readonly #templates: Record<TemplateName, Template>;

  /** Compiles `<dir>/<name>.hbs` for every template; throws if one is missing or invalid. */
  constructor(dir: string) {
    const hbs = Handlebars.create();
    this.#templates = Object.fromEntries(
      TEMPLATES.map((name) => [name, hbs.compile(readFileSync(path.join(dir, `${name}.hbs`), 'utf8'))]),
    ) as Record<TemplateName, Template>;
  }

  /** One section's inner HTML, as the page embeds it and `/api/state` sends it. */
  section(name: SectionName, model: PageModel): string {
    return this.#templates[name](model);
  }

  /** The whole page. */
  page(model: PageModel, extras: PageExtras): string {
    const sections: Record<string, Handlebars.SafeString> = {
      links: new Handlebars.SafeString(this.#templates.links(model.links)),
    };
    for (const name of SECTIONS) sections[name] = new Handlebars.SafeString(this.section(name, model));
    const content = this.#templates.page({ ...extras, sections });
    return this.#layout('Console', model.readAt, extras.demoMode, content);
  }

  /** The confirmation page of a fault action (the path without script). */
  confirm(question: string, fields: readonly { name: string; value: string }[]): string {
    return this.#layout('Confirm', '', true, this.#templates.confirm({ question, fields }));
  }

  #layout(title: string, readAt: string, demoMode: boolean, content: string): string {
    // The doctype is written here: prettier's handlebars printer drops it from templates.
    return (
      '<!doctype html>\n' +
      this.#templates.layout({ title, readAt, demoMode, content: new Handlebars.SafeString(content) })
    );
  }
}
