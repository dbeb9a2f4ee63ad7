/** `http://host:port` for the log lines, an IPv6 address between brackets. */
export const httpUrl = (host: string, port: number): string => `http://${host.includes(':') ? `[${host}]` : host}:${String(port)}`;
