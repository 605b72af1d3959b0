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
import type { OrderRow } from './orderView.ts';
import type { TracePanels } from './tracePanels.ts';

/** The parts of the page `/api/state` re-renders. */
export const SECTIONS = ['orders', 'faults', 'health', 'alerts'] as const;

/** One of {@link SECTIONS}. */
export type SectionName = (typeof SECTIONS)[number];

/** Every template file of the views directory, by name (`<name>.hbs`). */
export const TEMPLATES = [
  'layout',
  'page',
  'confirm',
  'links',
  'trace',
  'orderPage',
  'message',
  'runbook',
  ...SECTIONS,
] as const;

/** Scripts of the main page: ECharts (from node_modules), the live sections and the charts. */
const PAGE_SCRIPTS = ['/static/vendor/echarts.min.js', '/static/console.js', '/static/charts.js'];
/** Scripts of the trace and order pages: the waterfall drawn from the span table. */
const TRACE_SCRIPTS = ['/static/vendor/echarts.min.js', '/static/waterfall.js'];

/** The order page's model besides its trace. */
export interface OrderPageModel {
  readonly order: OrderRow;
  readonly customerId: string;
  readonly history: readonly { status: string; at: string; reason: string }[];
}

type TemplateName = (typeof TEMPLATES)[number];
type Template = (context: object) => string;

/** What the page shows besides the model. */
export interface PageExtras {
  readonly notice: Notice | undefined;
  readonly demoMode: boolean;
  readonly maxBurst: number;
  /** The order list's status filter (empty: all). */
  readonly status: string;
  /** The charts to leave room for. */
  readonly charts: readonly { key: string; title: string; unit: string; origin: string }[];
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
    const content = this.#templates.page({ ...extras, filters: model.orders.filters, sections });
    return this.#layout('Console', content, {
      readAt: model.readAt,
      demoMode: extras.demoMode,
      scripts: PAGE_SCRIPTS,
    });
  }

  /** The confirmation page of a fault action (the path without script). */
  confirm(question: string, fields: readonly { name: string; value: string }[]): string {
    return this.#layout('Confirm', this.#templates.confirm({ question, fields }), { demoMode: true });
  }

  /** A trace's waterfall and log lines. */
  tracePage(panels: TracePanels): string {
    return this.#layout(`Trace ${panels.traceId}`, this.#templates.trace(panels), { scripts: TRACE_SCRIPTS });
  }

  /** One order: its history, and its trace when it has one. */
  orderPage(model: OrderPageModel, trace: TracePanels | undefined): string {
    const traceHtml = trace ? new Handlebars.SafeString(this.#templates.trace(trace)) : undefined;
    const content = this.#templates.orderPage({ ...model, trace: traceHtml });
    return this.#layout(`Order ${model.order.orderId}`, content, { scripts: TRACE_SCRIPTS });
  }

  /** A page that only says something: an unknown order, a malformed id, a missing runbook. */
  message(title: string, text: string): string {
    return this.#layout(title, this.#templates.message({ title, text }), {});
  }

  /** A runbook, `html` rendered from its markdown (raw HTML disabled). */
  runbook(name: string, html: string): string {
    const content = this.#templates.runbook({ name, html: new Handlebars.SafeString(html) });
    return this.#layout(`Runbook ${name}`, content, {});
  }

  #layout(
    title: string,
    content: string,
    options: { readAt?: string; demoMode?: boolean; scripts?: readonly string[] },
  ): string {
    // The doctype is written here: prettier's handlebars printer drops it from templates.
    const context = {
      title,
      ...options,
      live: options.readAt !== undefined,
      content: new Handlebars.SafeString(content),
    };
    return '<!doctype html>\n' + this.#templates.layout(context);
  }
}
