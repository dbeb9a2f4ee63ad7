/**
 * The reference app's directory route for the benchmark's Fastify and Hono apps: the same in-memory database, the
 * same seeded events whose directories are full pages of visible profiles, the same page query and JSON body, and
 * the same `directory_page_view` recorded per page served. Each framework app only routes and answers.
 */
import { openDatabase } from '../examples/event-directory/src/db/open.ts';
import { createEventRepository } from '../examples/event-directory/src/db/events.ts';
import { createProfileRepository, PAGE_SIZE } from '../examples/event-directory/src/db/profiles.ts';
import { catalog, type AppTelemetry } from '../examples/event-directory/src/telemetry.ts';
import { createTelemetry } from '../src/index.ts';

const EVENTS = 4;

export interface DirectoryBody {
  readonly profiles: readonly { readonly name: string; readonly bio: string | null }[];
  readonly page: number;
  readonly nextPage: number | null;
}

export interface Directory {
  readonly telemetry: AppTelemetry;
  /** Directory pages of the seeded events, each a full page of visible profiles. */
  readonly paths: readonly string[];
  /** The first page of an event's directory, as the reference app answers it; undefined for no such event. */
  firstPage(rawEventId: string): DirectoryBody | undefined;
  close(): Promise<void>;
}

/** quietcount's own log lines (none per request at its default level) would land in the benchmark's Markdown. */
const silent = (): void => undefined;

export function openDirectory(): Directory {
  const logger = { debug: silent, info: silent, warn: silent, error: silent };
  const telemetry = createTelemetry({ catalog, env: { NODE_ENV: 'production', METRICS_PORT: '0' }, logger });
  const { db, emails } = openDatabase(':memory:', undefined);
  const events = createEventRepository(db);
  const profiles = createProfileRepository(db, emails);
  const paths: string[] = [];
  for (let event = 1; event <= EVENTS; event += 1) {
    const { id } = events.create(`Bench gathering ${String(event)}`);
    for (let person = 1; person <= PAGE_SIZE; person += 1) {
      const profile = { eventId: id, name: `Attendee ${String(person)}`, email: `attendee${String(person)}@example.test`, bio: null, editTokenHash: new Uint8Array(32) };
      const profileId = profiles.create(profile);
      if (profileId !== undefined) profiles.setVisibility(id, profileId, true);
    }
    paths.push(`/api/events/${String(id)}/directory`);
  }
  return {
    telemetry,
    paths,
    firstPage: (rawEventId) => {
      const eventId = Number(rawEventId);
      if (!Number.isSafeInteger(eventId) || eventId < 1 || !events.exists(eventId)) return undefined;
      const { profiles: page, hasMore } = profiles.directory(eventId, 1);
      telemetry.record('directory_page_view', eventId);
      return { profiles: page, page: 1, nextPage: hasMore ? 2 : null };
    },
    close: async () => {
      await telemetry.shutdown();
      db.close();
    },
  };
}
