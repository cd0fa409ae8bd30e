//! A relay that adds a round-trip delay, so that a benchmark on loopback
//! sees something like the Internet's latency.
//!
//! `delay-relay --routes FILE --delay MIN-MAX` reads lines `tcp LISTEN
//! UPSTREAM` and `udp LISTEN UPSTREAM` (addresses with ports) and relays
//! each listening address to its upstream. Every listening address gets its
//! own round-trip time between MIN and MAX milliseconds (the same on every
//! run: derived from the address), half of it added to each direction:
//! TCP data is held that long before it is passed on (in order), and a new
//! TCP connection waits one round trip before the upstream is dialled (the
//! handshake a real path would cost); each UDP datagram waits half a round
//! trip each way. `--delay 0-0` relays without delay.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc;

/// How long an idle UDP client keeps its upstream socket. A resolver sends
/// each query from a new source port, so most clients are one query and its
/// answer: a short idle time keeps the number of sockets (and their
/// listening tasks) near the query rate times a few seconds.
const UDP_IDLE: Duration = Duration::from_secs(5);
/// How often the idle UDP clients are swept out (not on every datagram: at
/// thousands of clients a sweep per datagram costs more than the relaying).
const UDP_SWEEP: Duration = Duration::from_secs(1);
/// Chunks of one TCP direction in flight (bounded memory per connection).
const TCP_CHUNKS_IN_FLIGHT: usize = 64;

#[derive(Debug, Clone, Copy)]
enum Proto {
    Tcp,
    Udp,
}

#[derive(Debug)]
struct Route {
    proto: Proto,
    listen: SocketAddr,
    upstream: SocketAddr,
}

fn usage() -> ! {
    eprintln!("usage: delay-relay --routes FILE [--delay MIN-MAX] (milliseconds of round trip)");
    std::process::exit(2)
}

fn parse_routes(text: &str) -> Result<Vec<Route>, String> {
    let mut routes = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [proto, listen, upstream] = fields[..] else {
            return Err(format!(
                "line {}: expected `tcp|udp LISTEN UPSTREAM`",
                n + 1
            ));
        };
        let proto = match proto {
            "tcp" => Proto::Tcp,
            "udp" => Proto::Udp,
            other => return Err(format!("line {}: unknown protocol {other}", n + 1)),
        };
        let parse = |s: &str| {
            s.parse::<SocketAddr>()
                .map_err(|e| format!("line {}: {s}: {e}", n + 1))
        };
        routes.push(Route {
            proto,
            listen: parse(listen)?,
            upstream: parse(upstream)?,
        });
    }
    Ok(routes)
}

/// The round trip of a listening address: between `min` and `max`, the
/// same on every run (FNV-1a of the address's text).
fn round_trip(listen: SocketAddr, min: u64, max: u64) -> Duration {
    if max <= min {
        return Duration::from_millis(min);
    }
    let mut hash: u64 = 0xcbf29ce484222325;
    for b in listen.ip().to_string().bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x100000001b3);
    }
    Duration::from_millis(min + hash % (max - min + 1))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut routes_file = None;
    let (mut min, mut max) = (0u64, 0u64);
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--routes" => routes_file = args.get(i + 1).cloned(),
            "--delay" => {
                let Some((a, b)) = args.get(i + 1).and_then(|d| d.split_once('-')) else {
                    usage()
                };
                match (a.parse(), b.parse()) {
                    (Ok(a), Ok(b)) => (min, max) = (a, b),
                    _ => usage(),
                }
            }
            _ => usage(),
        }
        i += 2;
    }
    let Some(routes_file) = routes_file else {
        usage()
    };
    let text = match std::fs::read_to_string(&routes_file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("delay-relay: cannot read {routes_file}: {e}");
            std::process::exit(1)
        }
    };
    let routes = match parse_routes(&text) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("delay-relay: {routes_file}: {e}");
            std::process::exit(1)
        }
    };
    for route in routes {
        let rtt = round_trip(route.listen, min, max);
        let result = match route.proto {
            Proto::Tcp => TcpListener::bind(route.listen).await.map(|l| {
                tokio::spawn(relay_tcp(l, route.upstream, rtt));
            }),
            Proto::Udp => UdpSocket::bind(route.listen).await.map(|s| {
                tokio::spawn(relay_udp(Arc::new(s), route.upstream, rtt));
            }),
        };
        if let Err(e) = result {
            eprintln!("delay-relay: cannot listen on {}: {e}", route.listen);
            std::process::exit(1)
        }
    }
    eprintln!("delay-relay: relaying with {min}-{max} ms round trips");
    let _ = tokio::signal::ctrl_c().await;
}

async fn relay_tcp(listener: TcpListener, upstream: SocketAddr, rtt: Duration) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            tokio::time::sleep(rtt).await;
            let Ok(server) = TcpStream::connect(upstream).await else {
                return;
            };
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            let half = rtt / 2;
            tokio::join!(
                pipe(client_read, server_write, half),
                pipe(server_read, client_write, half)
            );
        });
    }
}

/// Copies `from` to `to`, each chunk held `delay` after it was read; the
/// end of the stream is passed on the same way.
async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    delay: Duration,
) {
    let (tx, mut rx) = mpsc::channel::<(Instant, Vec<u8>)>(TCP_CHUNKS_IN_FLIGHT);
    let reader = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = from.read(&mut buf).await.unwrap_or(0);
            let due = Instant::now() + delay;
            if tx.send((due, buf[..n].to_vec())).await.is_err() || n == 0 {
                return;
            }
        }
    };
    let writer = async move {
        while let Some((due, chunk)) = rx.recv().await {
            tokio::time::sleep_until(due.into()).await;
            if chunk.is_empty() || to.write_all(&chunk).await.is_err() {
                let _ = to.shutdown().await;
                return;
            }
        }
    };
    tokio::join!(reader, writer);
}

/// Per client, an upstream socket of its own, so that answers find their way
/// back; and when the idle ones were last swept out.
struct UdpClients {
    sockets: HashMap<SocketAddr, (Arc<UdpSocket>, Instant)>,
    swept: Instant,
}

impl UdpClients {
    fn new() -> UdpClients {
        UdpClients {
            sockets: HashMap::new(),
            swept: Instant::now(),
        }
    }

    /// The client's upstream socket, if it has one, after dropping those
    /// idle for longer than [`UDP_IDLE`] (at most once per [`UDP_SWEEP`]).
    fn get(&mut self, client: SocketAddr, now: Instant) -> Option<Arc<UdpSocket>> {
        if now.duration_since(self.swept) >= UDP_SWEEP {
            self.sockets
                .retain(|_, (_, used)| now.duration_since(*used) < UDP_IDLE);
            self.swept = now;
        }
        let (up, used) = self.sockets.get_mut(&client)?;
        *used = now;
        Some(up.clone())
    }
}

async fn relay_udp(socket: Arc<UdpSocket>, upstream: SocketAddr, rtt: Duration) {
    let clients = Arc::new(Mutex::new(UdpClients::new()));
    let half = rtt / 2;
    let mut buf = vec![0u8; 65_536];
    loop {
        let Ok((n, client)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        let datagram = buf[..n].to_vec();
        let up = match upstream_for(&clients, client, upstream, &socket, half).await {
            Some(up) => up,
            None => continue,
        };
        tokio::spawn(async move {
            tokio::time::sleep(half).await;
            let _ = up.send(&datagram).await;
        });
    }
}

async fn upstream_for(
    clients: &Mutex<UdpClients>,
    client: SocketAddr,
    upstream: SocketAddr,
    socket: &Arc<UdpSocket>,
    half: Duration,
) -> Option<Arc<UdpSocket>> {
    let now = Instant::now();
    if let Some(up) = clients
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(client, now)
    {
        return Some(up);
    }
    let bind: SocketAddr = if upstream.is_ipv4() {
        "127.0.0.1:0".parse().ok()?
    } else {
        "[::1]:0".parse().ok()?
    };
    let up = Arc::new(UdpSocket::bind(bind).await.ok()?);
    up.connect(upstream).await.ok()?;
    clients
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .sockets
        .insert(client, (up.clone(), now));
    let (answers, back) = (up.clone(), socket.clone());
    tokio::spawn(async move {
        let mut buf = vec![0u8; 65_536];
        while let Ok(Ok(n)) = tokio::time::timeout(UDP_IDLE, answers.recv(&mut buf)).await {
            let datagram = buf[..n].to_vec();
            let back = back.clone();
            tokio::spawn(async move {
                tokio::time::sleep(half).await;
                let _ = back.send_to(&datagram, client).await;
            });
        }
    });
    Some(up)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_read_and_errors_name_their_line() {
        let routes = parse_routes(
            "# c\ntcp 127.0.50.1:443 127.0.30.1:443\n\nudp 127.0.51.1:53 127.0.63.1:53\n",
        )
        .unwrap();
        assert_eq!(routes.len(), 2);
        assert!(
            parse_routes("tcp 127.0.50.1:443\n")
                .unwrap_err()
                .starts_with("line 1")
        );
        assert!(
            parse_routes("x\nsctp a b\n")
                .unwrap_err()
                .starts_with("line 1")
        );
    }

    #[test]
    fn round_trips_stay_in_their_range_and_differ_by_address() {
        let a: SocketAddr = "127.0.50.1:443".parse().unwrap();
        let b: SocketAddr = "127.0.52.3:25".parse().unwrap();
        for addr in [a, b] {
            let rtt = round_trip(addr, 20, 100);
            assert!(rtt >= Duration::from_millis(20) && rtt <= Duration::from_millis(100));
        }
        assert_eq!(round_trip(a, 20, 100), round_trip(a, 20, 100));
        assert_eq!(round_trip(a, 0, 0), Duration::ZERO);
    }

    #[tokio::test]
    async fn idle_udp_clients_are_swept_at_most_once_a_second() {
        let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let mut clients = UdpClients::new();
        let start = clients.swept;
        let (a, b): (SocketAddr, SocketAddr) = (
            "127.0.0.1:1".parse().unwrap(),
            "127.0.0.1:2".parse().unwrap(),
        );
        clients.sockets.insert(a, (socket.clone(), start));
        // Within a sweep period nothing goes, however old.
        assert!(clients.get(b, start + UDP_SWEEP / 2).is_none());
        assert_eq!(clients.sockets.len(), 1);
        // Used now, so still there at the next sweep.
        assert!(clients.get(a, start + UDP_IDLE - UDP_SWEEP).is_some());
        assert!(clients.get(b, start + UDP_IDLE + UDP_SWEEP).is_none());
        assert_eq!(clients.sockets.len(), 1);
        // Idle past UDP_IDLE at a sweep: gone.
        assert!(clients.get(b, start + UDP_IDLE * 3).is_none());
        assert!(clients.sockets.is_empty());
    }
}
