//! Serving the site over TCP with limits on every connection, so that idle,
//! slow or numerous connections cannot take the server from everyone else.
//!
//! `axum::serve` sets none of these, so the accept loop is our own, over
//! hyper's HTTP/1 connection builder with a timer (TLS and HTTP/2 are the
//! reverse proxy's job):
//!
//! - the request head must arrive within [`ConnectionLimits::header_read_timeout`],
//!   also between requests of a kept-alive connection (hyper restarts the
//!   timer for each head), so a connection that sends nothing or half a
//!   header is closed then;
//! - a connection on which no byte moves either way for
//!   [`ConnectionLimits::idle_timeout`] is closed (a body or an answer that
//!   trickles);
//! - a connection serves at most [`ConnectionLimits::max_requests_per_connection`]
//!   requests (the last answer says `Connection: close`);
//! - at most [`ConnectionLimits::max_connections`] are open at once, and
//!   [`ConnectionLimits::max_per_client`] per client (IPv6 per /64; a
//!   trusted proxy has no per-client cap, its clients are counted by the
//!   rate limits instead). The excess is refused at once: a short 503 and a
//!   close, never a queue.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

use crate::client::TrustedProxies;
use crate::protect::client_key;

/// The limits on connections.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// Time to send a request head.
    pub header_read_timeout: Duration,
    /// Time without a byte either way before a connection is closed.
    pub idle_timeout: Duration,
    /// Requests served on one connection.
    pub max_requests_per_connection: u32,
    /// Connections open at once.
    pub max_connections: usize,
    /// Connections open at once from one client.
    pub max_per_client: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_requests_per_connection: 1000,
            max_connections: 8192,
            max_per_client: 64,
        }
    }
}

/// The answer to a connection over a cap, written without waiting (if the
/// socket cannot take it at once, the close says enough).
const REFUSAL: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n";

/// Counts of what the accept loop did (for logs and tests).
#[derive(Debug, Default)]
pub struct ConnectionStats {
    /// Connections accepted and served.
    pub accepted: AtomicU64,
    /// Connections refused over the total cap.
    pub refused_total: AtomicU64,
    /// Connections refused over the per-client cap.
    pub refused_client: AtomicU64,
}

/// Serves `app` on `listener` with `limits` until `shutdown` completes,
/// then gives open connections up to 10 s to finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    trusted: TrustedProxies,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let stats = Arc::new(ConnectionStats::default());
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_client: Arc<Mutex<HashMap<IpAddr, usize>>> = Arc::default();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true)
        .max_buf_size(64 * 1024);
    let mut last_warning = Instant::now() - Duration::from_secs(60);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of descriptors or memory: wait instead of spinning;
                    // the timeouts free some soon.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            stats.refused_total.fetch_add(1, Ordering::Relaxed);
            refuse(stream);
            warn_now_and_then(&mut last_warning, &stats);
            continue;
        };
        let client_slot = if trusted.contains(peer.ip()) {
            None
        } else {
            match ClientSlot::take(&per_client, client_key(peer.ip()), limits.max_per_client) {
                Some(slot) => Some(slot),
                None => {
                    stats.refused_client.fetch_add(1, Ordering::Relaxed);
                    refuse(stream);
                    warn_now_and_then(&mut last_warning, &stats);
                    continue;
                }
            }
        };
        stats.accepted.fetch_add(1, Ordering::Relaxed);
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(IdleTimeout::new(stream, limits.idle_timeout));
        let served = Arc::new(AtomicU32::new(0));
        let max_requests = limits.max_requests_per_connection.max(1);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let n = served.fetch_add(1, Ordering::Relaxed) + 1;
            let app = app.clone();
            async move {
                let mut response = app.oneshot(request).await?;
                if n >= max_requests {
                    response
                        .headers_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                }
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let connection = graceful.watch(builder.serve_connection(io, service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended");
            }
            drop(permit);
            drop(client_slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(Duration::from_secs(10)) => {},
    }
    Ok(())
}

fn refuse(stream: TcpStream) {
    let _ = stream.try_write(REFUSAL);
}

fn warn_now_and_then(last: &mut Instant, stats: &ConnectionStats) {
    if last.elapsed() >= Duration::from_secs(10) {
        *last = Instant::now();
        tracing::warn!(
            over_total = stats.refused_total.load(Ordering::Relaxed),
            over_client = stats.refused_client.load(Ordering::Relaxed),
            "connections refused over the caps (--max-connections, --max-connections-per-client)"
        );
    }
}

/// One of a client's connections; gives its place back when dropped.
struct ClientSlot {
    table: Arc<Mutex<HashMap<IpAddr, usize>>>,
    key: IpAddr,
}

impl ClientSlot {
    fn take(table: &Arc<Mutex<HashMap<IpAddr, usize>>>, key: IpAddr, max: usize) -> Option<Self> {
        let mut counts = table.lock().unwrap_or_else(|p| p.into_inner());
        let count = counts.entry(key).or_insert(0);
        if *count >= max.max(1) {
            return None;
        }
        *count += 1;
        Some(ClientSlot {
            table: table.clone(),
            key,
        })
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut counts = self.table.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = counts.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

/// A stream that fails with `TimedOut` when no byte has moved either way
/// for its timeout while it is being read or written.
struct IdleTimeout<S> {
    inner: S,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<S> IdleTimeout<S> {
    fn new(inner: S, timeout: Duration) -> Self {
        IdleTimeout {
            inner,
            timeout,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        }
    }

    fn moved(&mut self) {
        let next = Instant::now() + self.timeout;
        self.deadline.as_mut().reset(next);
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "connection idle too long")
}

impl<S: AsyncRead + Unpin> AsyncRead for IdleTimeout<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                this.moved();
                Poll::Ready(result)
            }
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(result) => {
                this.moved();
                Poll::Ready(result)
            }
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write_vectored(cx, bufs) {
            Poll::Ready(result) => {
                this.moved();
                Poll::Ready(result)
            }
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn served(limits: ConnectionLimits) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route("/", axum::routing::get(|| async { "ok" }));
        tokio::spawn(serve(
            listener,
            app,
            limits,
            TrustedProxies::default(),
            std::future::pending(),
        ));
        addr
    }

    async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
        let mut buf = [0u8; 256];
        let deadline = Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
                Err(_) => return false,
                Ok(Ok(0)) | Ok(Err(_)) => return true,
                Ok(Ok(_)) => continue,
            }
        }
    }

    #[tokio::test]
    async fn the_per_client_cap_refuses_the_excess_at_once() {
        let addr = served(ConnectionLimits {
            max_per_client: 2,
            ..ConnectionLimits::default()
        })
        .await;
        let _a = TcpStream::connect(addr).await.unwrap();
        let _b = TcpStream::connect(addr).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut c = TcpStream::connect(addr).await.unwrap();
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(2), c.read_to_end(&mut answer))
            .await
            .expect("refused at once, not queued")
            .ok();
        assert!(answer.starts_with(b"HTTP/1.1 503"), "{answer:?}");
    }

    #[tokio::test]
    async fn keep_alive_ends_after_the_request_limit() {
        let addr = served(ConnectionLimits {
            max_requests_per_connection: 2,
            ..ConnectionLimits::default()
        })
        .await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut all = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut all))
            .await
            .expect("closed after the second answer")
            .ok();
        let text = String::from_utf8_lossy(&all);
        assert_eq!(text.matches("HTTP/1.1 200").count(), 2, "{text}");
        assert!(
            text.to_ascii_lowercase().contains("connection: close"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn a_trickling_body_is_cut_when_idle() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route(
            "/",
            axum::routing::post(|body: String| async move { body.len().to_string() }),
        );
        tokio::spawn(serve(
            listener,
            app,
            ConnectionLimits {
                idle_timeout: Duration::from_millis(500),
                ..ConnectionLimits::default()
            },
            TrustedProxies::default(),
            std::future::pending(),
        ));
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
            .await
            .unwrap();
        assert!(closed_within(&mut s, Duration::from_secs(3)).await);
    }
}
