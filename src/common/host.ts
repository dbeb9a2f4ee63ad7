/** Host names in URLs: an IPv6 address goes between brackets (`http://[::1]:9464`). */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function httpUrl(host: string, port: number): string {
  return `http://${urlHost(host)}:${String(port)}`;
}
