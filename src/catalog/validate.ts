/**
 * Validation of an app's catalog, with every problem named at once: the entry, the field and the rule. A catalog
 * is the app's own text (never personal data), so names may be quoted; values longer than a name are not.
 */
import { OTHER, UNMATCHED } from '../schema/bounds.ts';
import { parseIsoDay } from './days.ts';
import type { EventDefinition, EventSource, MonitoringSettings, PublicationSettings } from './define.ts';
import {
  DEFAULT_APP,
  DEFAULT_EVENT_ID_MEANING,
  DEFAULT_MIN_COUNT,
  DEFAULT_MONITORING,
  DEFAULT_ROUNDING,
  LOWEST_MIN_COUNT,
  defaultPublicationTitle,
  type CatalogModel,
  type MonitoringModel,
  type PublicationModel,
} from './model.ts';

export class CatalogError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid quietcount catalog:\n  - ${problems.join('\n  - ')}`);
    this.name = 'CatalogError';
    this.problems = problems;
  }
}

/** Event names are label values in every series, query and alert: lower-case snake_case, Prometheus-friendly. */
const EVENT_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Whether `name` is a well-formed event name (whether a catalog declares it is another question). */
export function isEventName(name: string): boolean {
  return EVENT_NAME.test(name) && name !== OTHER && name !== UNMATCHED;
}
const APP_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const JOB_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;
/** Enough events for any product; the series bound is this times maxEventIds. */
export const MAX_EVENTS = 100;
const MAX_TEXT = 500;
const MAX_DISPLAY_NAME = 80;
const SOURCES: readonly EventSource[] = ['memory', 'table'];
const EVENT_FIELDS = ['source', 'description', 'question', 'owner', 'added', 'expires', 'displayName', 'dropOffAlert', 'publish'];
const CATALOG_FIELDS = ['app', 'eventIdMeaning', 'monitoring', 'publication', 'events'];
const PUBLICATION_FIELDS = ['title', 'minCount', 'rounding'];
const MAX_TITLE = 100;
/** A threshold beyond any count a public page needs; it keeps the arithmetic of the page far from float limits. */
const HIGHEST_MIN_COUNT = 1_000_000;
const MONITORING_FIELDS = Object.keys(DEFAULT_MONITORING);
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

type Fields = Readonly<Record<string, unknown>>;

const isFields = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const quote = (name: string): string => (name.length <= 64 ? JSON.stringify(name) : `${JSON.stringify(name.slice(0, 64))}…`);

class Problems {
  readonly list: string[] = [];
  add(where: string, rule: string): void {
    this.list.push(`${where}: ${rule}`);
  }
  unknownFields(where: string, fields: Fields, allowed: readonly string[]): void {
    for (const field of Object.keys(fields)) {
      if (!allowed.includes(field)) this.add(`${where}.${field}`, `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }
  text(where: string, value: unknown, maxLength: number, required: boolean): string | undefined {
    if (value === undefined && !required) return undefined;
    const rule = `${required ? 'required: ' : ''}a non-empty string of at most ${String(maxLength)} characters, without control characters`;
    if (typeof value !== 'string' || value.trim() === '' || value.length > maxLength || CONTROL_CHARACTERS.test(value)) {
      this.add(where, rule);
      return undefined;
    }
    return value;
  }
  date(where: string, value: unknown, allowNever: boolean): string | undefined {
    if (allowNever && value === 'never') return value;
    if (typeof value !== 'string' || parseIsoDay(value) === undefined) {
      this.add(where, `required: a real calendar day YYYY-MM-DD${allowNever ? ' or "never"' : ''}`);
      return undefined;
    }
    return value;
  }
}

/** The validated catalog, or a CatalogError listing every problem. */
export function validateCatalog(input: unknown): CatalogModel {
  const problems = new Problems();
  if (!isFields(input)) throw new CatalogError(['the catalog must be an object: export default defineCatalog({ events: { … } })']);
  problems.unknownFields('catalog', input, CATALOG_FIELDS);

  const app = input.app === undefined ? undefined : input.app;
  if (app !== undefined && (typeof app !== 'string' || !APP_NAME.test(app))) {
    problems.add('app', 'a short name: a lower-case letter, then up to 39 of a-z, 0-9 and -');
  }
  const eventIdMeaning = problems.text('eventIdMeaning', input.eventIdMeaning, MAX_TEXT, false);
  const monitoring = monitoringModel(input.monitoring, problems);
  const publication = publicationSettings(input.publication, typeof app === 'string' ? app : undefined, problems);

  const events = new Map<string, EventDefinition>();
  if (!isFields(input.events) || Object.keys(input.events).length === 0) {
    problems.add('events', 'required: an object with at least one event, { event_name: { source, description, … } }');
  } else {
    const entries = Object.entries(input.events);
    if (entries.length > MAX_EVENTS) problems.add('events', `at most ${String(MAX_EVENTS)} events`);
    for (const [name, definition] of entries) {
      const event = eventDefinition(name, definition, problems);
      if (event !== undefined) events.set(name, event);
    }
  }
  if (problems.list.length > 0) throw new CatalogError(problems.list);

  const eventNames = [...events.keys()];
  const withSource = (source: EventSource) => eventNames.filter((name) => events.get(name)?.source === source);
  return {
    app: typeof app === 'string' ? app : DEFAULT_APP,
    appNamed: typeof app === 'string',
    eventIdMeaning: eventIdMeaning ?? DEFAULT_EVENT_ID_MEANING,
    monitoring,
    publication: { ...publication, eventNames: eventNames.filter((name) => events.get(name)?.publish === true) },
    events,
    eventNames,
    namesBySource: { memory: withSource('memory'), table: withSource('table') },
  };
}

function eventDefinition(name: string, definition: unknown, problems: Problems): EventDefinition | undefined {
  const where = `events.${quote(name)}`;
  const before = problems.list.length;
  if (!isEventName(name)) {
    problems.add(where, 'the name must be a safe label value: a lower-case letter, then up to 62 of a-z, 0-9 and _');
  }
  if (!isFields(definition)) {
    problems.add(where, 'must be an object { source, description, question, owner, added, expires }');
    return undefined;
  }
  problems.unknownFields(where, definition, EVENT_FIELDS);
  const { source, displayName, dropOffAlert, publish } = definition;
  if (typeof source !== 'string' || !(SOURCES as readonly string[]).includes(source)) {
    problems.add(`${where}.source`, `required: one of ${SOURCES.join(', ')}`);
  }
  problems.text(`${where}.description`, definition.description, MAX_TEXT, true);
  problems.text(`${where}.question`, definition.question, MAX_TEXT, true);
  problems.text(`${where}.owner`, definition.owner, MAX_TEXT, true);
  const added = problems.date(`${where}.added`, definition.added, false);
  const expires = problems.date(`${where}.expires`, definition.expires, true);
  if (added !== undefined && expires !== undefined && expires !== 'never' && expires < added) {
    problems.add(`${where}.expires`, 'must not be before added');
  }
  problems.text(`${where}.displayName`, displayName, MAX_DISPLAY_NAME, false);
  if (dropOffAlert !== undefined && typeof dropOffAlert !== 'boolean') problems.add(`${where}.dropOffAlert`, 'true or false');
  if (publish !== undefined && typeof publish !== 'boolean') problems.add(`${where}.publish`, 'true or false');
  return problems.list.length === before ? (definition as unknown as EventDefinition) : undefined;
}

function monitoringModel(input: unknown, problems: Problems): MonitoringModel {
  if (input === undefined) return DEFAULT_MONITORING;
  if (!isFields(input)) {
    problems.add('monitoring', 'an object of settings for the generated rules and dashboards');
    return DEFAULT_MONITORING;
  }
  problems.unknownFields('monitoring', input, MONITORING_FIELDS);
  const settings = input as MonitoringSettings;
  const ratio = (field: keyof MonitoringSettings, value: unknown): void => {
    if (value !== undefined && (typeof value !== 'number' || !(value > 0 && value <= 1))) problems.add(`monitoring.${field}`, 'a number above 0 and at most 1');
  };
  const count = (field: keyof MonitoringSettings, value: unknown): void => {
    if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)) problems.add(`monitoring.${field}`, 'a whole number of at least 1');
  };
  for (const field of ['job', 'prometheusJob'] as const) {
    const value = settings[field];
    if (value !== undefined && (typeof value !== 'string' || !JOB_NAME.test(value))) {
      problems.add(`monitoring.${field}`, 'a scrape job name of 1 to 100 characters: letters, digits and _ . : -');
    }
  }
  ratio('serverErrorRatio', settings.serverErrorRatio);
  ratio('clientErrorRatio', settings.clientErrorRatio);
  ratio('dropOffRatio', settings.dropOffRatio);
  count('minResponsesPer5m', settings.minResponsesPer5m);
  count('dropOffMinimumLastWeek', settings.dropOffMinimumLastWeek);
  count('retentionDays', settings.retentionDays);
  const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_MONITORING, ...given };
}

function publicationSettings(input: unknown, app: string | undefined, problems: Problems): Omit<PublicationModel, 'eventNames'> {
  const defaults = { title: defaultPublicationTitle(app), minCount: DEFAULT_MIN_COUNT, rounding: DEFAULT_ROUNDING };
  if (input === undefined) return defaults;
  if (!isFields(input)) {
    problems.add('publication', 'an object { title, minCount, rounding } for the public aggregates page');
    return defaults;
  }
  problems.unknownFields('publication', input, PUBLICATION_FIELDS);
  const settings = input as PublicationSettings;
  const title = problems.text('publication.title', settings.title, MAX_TITLE, false) ?? defaults.title;
  let minCount = defaults.minCount;
  if (settings.minCount !== undefined) {
    const value: unknown = settings.minCount;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < LOWEST_MIN_COUNT || value > HIGHEST_MIN_COUNT) {
      problems.add(
        'publication.minCount',
        `a whole number from ${String(LOWEST_MIN_COUNT)} to ${String(HIGHEST_MIN_COUNT)}: counts below it are never published, and below ${String(LOWEST_MIN_COUNT)} a count can single a person out`,
      );
    } else {
      minCount = value;
    }
  }
  let rounding = defaults.rounding;
  if (settings.rounding !== undefined) {
    const value: unknown = settings.rounding;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > minCount) {
      problems.add(
        'publication.rounding',
        `a whole number from 1 (no rounding) to minCount (${String(minCount)}): no coarser than the threshold, so no published count is ever shown as 0`,
      );
    } else {
      rounding = value;
    }
  }
  return { title, minCount, rounding };
}
