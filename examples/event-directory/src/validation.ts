/**
 * Request input → typed values, or an HttpError whose message names the field and the rule, never the value sent
 * (a value can be an email, a name, or anything an attacker wants echoed into a log or a page).
 */
import type { Request } from 'express';
import { canonicalEventId } from 'quietcount';
import { HttpError } from './http-error.ts';

export const LIMITS = {
  eventName: 120,
  personName: 100,
  email: 254,
  bio: 500,
  searchText: 100,
  /** Pages past this are refused: nobody browses that far, and a huge OFFSET costs a scan. */
  page: 10_000,
} as const;

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

type JsonObject = Record<string, unknown>;

/**
 * Ids in paths follow quietcount's event-id rule, since they become event ids: a positive integer in canonical
 * decimal, or a UUID (any case, kept in lower case).
 */
function positiveInteger(raw: string): number | undefined {
  const id = canonicalEventId(raw);
  return id === undefined || id.includes('-') ? undefined : Number(id);
}

function canonicalUuid(raw: string): string | undefined {
  const id = canonicalEventId(raw);
  return id?.includes('-') === true ? id : undefined;
}

export function parseEventId(raw: string): number {
  const id = positiveInteger(raw);
  if (id === undefined) throw new HttpError(400, 'eventId must be a positive integer');
  return id;
}

/** Profile ids are stored as randomUUID() makes them, in lower case; any case finds them. */
export function parseProfileId(raw: string): string {
  const id = canonicalUuid(raw);
  if (id === undefined) throw new HttpError(400, 'profileId must be a UUID, as returned by the signup');
  return id;
}

/** The JSON object body of a request that accepts only the `allowed` fields. */
function jsonObjectBody(req: Request, allowed: readonly string[]): JsonObject {
  const body: unknown = req.body;
  if (body === undefined) {
    if (req.get('content-type') === undefined) {
      throw new HttpError(400, 'a JSON object body is required, with Content-Type: application/json');
    }
    throw new HttpError(415, 'Content-Type must be application/json');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object');
  const fields = Object.keys(body);
  if (fields.some((field) => !allowed.includes(field))) {
    throw new HttpError(400, `unexpected field in the body; allowed: ${allowed.join(', ')}`);
  }
  return body as JsonObject;
}

function text(body: JsonObject, field: string, maxLength: number): string {
  const value = body[field];
  const rule = `${field} must be a string of 1 to ${String(maxLength)} characters without control characters`;
  if (typeof value !== 'string') throw new HttpError(400, rule);
  const trimmed = value.normalize('NFC').trim();
  if (trimmed.length === 0 || trimmed.length > maxLength || CONTROL_CHARACTERS.test(trimmed)) throw new HttpError(400, rule);
  return trimmed;
}

function boolean(body: JsonObject, field: string): boolean {
  const value = body[field];
  if (typeof value !== 'boolean') throw new HttpError(400, `${field} must be true or false`);
  return value;
}

export function parseNewEvent(req: Request): { name: string } {
  const body = jsonObjectBody(req, ['name']);
  return { name: text(body, 'name', LIMITS.eventName) };
}

export function parseSignup(req: Request): { name: string; email: string; bio: string | null } {
  const body = jsonObjectBody(req, ['name', 'email', 'bio']);
  const name = text(body, 'name', LIMITS.personName);
  const email = text(body, 'email', LIMITS.email).toLowerCase();
  if (!EMAIL.test(email)) throw new HttpError(400, 'email must be an email address');
  const bio = body.bio === undefined || body.bio === null ? null : text(body, 'bio', LIMITS.bio);
  return { name, email, bio };
}

export function parseVisibility(req: Request): boolean {
  return boolean(jsonObjectBody(req, ['visible']), 'visible');
}

export function parseConsent(req: Request): boolean {
  return boolean(jsonObjectBody(req, ['granted']), 'granted');
}

/** A query parameter given at most once (`?q=a&q=b` arrives as an array). */
function queryValue(req: Request, name: string): string | undefined {
  const value: unknown = (req.query as JsonObject)[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new HttpError(400, `${name} must be given once, as text`);
}

export function parsePage(req: Request): number {
  const raw = queryValue(req, 'page');
  if (raw === undefined) return 1;
  const page = positiveInteger(raw);
  if (page === undefined || page > LIMITS.page) {
    throw new HttpError(400, `page must be a whole number from 1 to ${String(LIMITS.page)}`);
  }
  return page;
}

export function parseSearchText(req: Request): string {
  const rule = `q must be 1 to ${String(LIMITS.searchText)} characters without control characters`;
  const raw = queryValue(req, 'q')?.trim();
  if (raw === undefined || raw.length === 0 || raw.length > LIMITS.searchText || CONTROL_CHARACTERS.test(raw)) {
    throw new HttpError(400, rule);
  }
  return raw;
}
