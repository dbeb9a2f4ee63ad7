/**
 * The reference app's catalog: every usage event the event directory counts, declared before it is collected.
 * quietcount's CLI generates TELEMETRY.md, grafana/dashboards/ and prometheus/rules/ from this file
 * (`npm run generate`); `npm test` fails when they are stale or when an entry has passed its expiry date.
 * The events marked `publish: true` are the ones `quietcount publish` may put on the public aggregates page: how much
 * the directory is used (signups, pages shown, searches). Changes of visibility and consent stay with the core team.
 */
import { defineCatalog } from 'quietcount';

const CORE_TEAM = 'core-team';
/** The day the directory's first events were declared. */
const FIRST_RELEASE = '2026-11-24';

export default defineCatalog({
  eventIdMeaning: 'an event, the gathering people sign up to',
  publication: { title: 'The event directory in numbers' },
  // The reference stack runs Prometheus with --storage.tsdb.retention.time=180d (docker-compose.yml).
  monitoring: { retentionDays: 180 },
  events: {
    event_signup: {
      source: 'table',
      description: 'A person signed up to an event. Only the count per event is kept, never who signed up.',
      question: 'How many signups did each event get each day?',
      owner: CORE_TEAM,
      added: FIRST_RELEASE,
      expires: 'never',
      dropOffAlert: true,
      publish: true,
    },
    directory_page_view: {
      source: 'memory',
      description: "A page of an event's attendee directory was shown.",
      question: 'Is the attendee directory used, and for which events?',
      owner: CORE_TEAM,
      added: FIRST_RELEASE,
      expires: 'never',
      dropOffAlert: true,
      publish: true,
    },
    directory_search: {
      source: 'memory',
      description: "A search in an event's attendee directory. Counted only: the search text is never recorded.",
      question: 'Do attendees search the directory, or only browse it?',
      owner: CORE_TEAM,
      added: FIRST_RELEASE,
      expires: 'never',
      dropOffAlert: true,
      publish: true,
    },
    profile_visibility_on: {
      source: 'table',
      description: 'A profile was made visible in the directory by its owner.',
      question: 'Do people choose to appear in the directory?',
      owner: CORE_TEAM,
      added: FIRST_RELEASE,
      expires: 'never',
    },
    profile_visibility_off: {
      source: 'table',
      description: 'A profile was hidden from the directory by its owner.',
      question: 'Do people withdraw from the directory after joining it?',
      owner: CORE_TEAM,
      added: FIRST_RELEASE,
      expires: 'never',
    },
    consent_granted: {
      source: 'table',
      description: 'A person granted consent (to be contacted by other attendees).',
      question: 'How many people opt in, per event?',
      owner: CORE_TEAM,
      added: FIRST_RELEASE,
      expires: 'never',
    },
    consent_withdrawn: {
      source: 'table',
      description: 'A person withdrew a consent they had granted.',
      question: 'How often is consent withdrawn, per event?',
      owner: CORE_TEAM,
      added: FIRST_RELEASE,
      expires: 'never',
    },
  },
});
