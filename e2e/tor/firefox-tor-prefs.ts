/**
 * Tor Browser's network preferences (its default prefs file), pointed at a tor client's SOCKS port:
 * everything through SOCKS 5 with names resolved by tor, loopback included, nothing direct if the
 * proxy fails, no local DNS at all, no UDP transports (HTTP/3, WebRTC), and first-party isolation.
 */
export function torNetworkPrefs(socksPort: number): Record<string, unknown> {
  if (!Number.isInteger(socksPort) || socksPort < 1 || socksPort > 65535) throw new RangeError(`socksPort: not a TCP port: ${socksPort}`);
  return {
    'network.proxy.type': 1,
    'network.proxy.socks': '127.0.0.1',
    'network.proxy.socks_port': socksPort,
    'network.proxy.socks_version': 5,
    'network.proxy.socks_remote_dns': true,
    'network.proxy.socks5_remote_dns': true,
    'network.proxy.no_proxies_on': '',
    'network.proxy.allow_hijacking_localhost': true,
    'network.proxy.failover_direct': false,
    'network.proxy.http': '',
    'network.proxy.ssl': '',
    'network.dns.disabled': true,
    'network.dns.blockDotOnion': false,
    'network.http.http3.enable': false,
    'media.peerconnection.enabled': false,
    'network.predictor.enabled': false,
    'network.prefetch-next': false,
    'network.dns.disablePrefetch': true,
    'privacy.firstparty.isolate': true,
  };
}
