import express from 'express';

export const BODY_LIMIT = '16kb';

/**
 * Parses JSON bodies. Attached to each route that takes a body rather than app-wide, so a malformed or oversized
 * body is answered after the route matched and counted under its endpoint instead of "unmatched".
 */
export const jsonBody = express.json({ limit: BODY_LIMIT });
