//! The routing-source settings shared by `check`, `rov` and `contacts`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use indaba_model::routing::{OriginTable, VrpSet};
use indaba_probe::rdap::{BootstrapSource, RdapClient, RdapSettings};
use indaba_probe::routing::{OriginSource, RoutingSources, VrpSource};
use indaba_probe::rtr::RtrFeed;

/// Where route origins and VRPs come from.
#[derive(Debug, Clone, Args)]
pub struct RoutingArgs {
    /// Take VRPs from this RTR server (RFC 8210), e.g. a Routinator or stayrtr.
    #[arg(long, value_name = "HOST:PORT", conflicts_with = "vrps")]
    pub rtr: Option<String>,
    /// Take VRPs from a JSON export (rpki-client, Routinator or stayrtr format).
    #[arg(long, value_name = "FILE")]
    pub vrps: Option<PathBuf>,
    /// Look up route origins in a zone of Team Cymru's TXT format: NAME holds
    /// `origin.NAME` and `origin6.NAME` (Team Cymru's own is asn.cymru.com).
    #[arg(long, value_name = "NAME", conflicts_with = "origins_file")]
    pub origins_zone: Option<String>,
    /// Look up route origins in a file: an MRT RIB dump (RFC 6396, as RIPE RIS
    /// and RouteViews publish, decompressed) or a prefix-to-AS text file
    /// ("PREFIX ASN" per line); which one is told from the content.
    #[arg(long, value_name = "FILE")]
    pub origins_file: Option<PathBuf>,
    /// Where the RDAP bootstrap files (RFC 9224: dns.json, ipv4.json,
    /// ipv6.json, asn.json) are, for RDAP lookups (`contacts`): a directory
    /// or a URL (default: IANA's, https://data.iana.org/rdap/).
    #[arg(long, value_name = "DIR|URL")]
    pub rdap_bootstrap: Option<String>,
    /// Time to wait for the RTR server's first full data set, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub rtr_timeout: u64,
}

impl RoutingArgs {
    /// Opens the configured sources (connecting to the RTR server, reading files).
    pub async fn sources(&self) -> Result<RoutingSources> {
        let vrps = match (&self.rtr, &self.vrps) {
            (Some(server), _) => {
                let addr = resolve_server(server).await?;
                let feed = RtrFeed::connect(addr, Duration::from_secs(self.rtr_timeout.max(1)))
                    .await
                    .with_context(|| format!("--rtr {server}"))?;
                Some(VrpSource::Rtr(feed))
            }
            (None, Some(path)) => {
                let text = read_bounded(path, "VRP file")?;
                let set = VrpSet::from_json(&text)
                    .with_context(|| format!("the VRP file {} is not usable", path.display()))?;
                // Reports name the kind of source, never a path on the server.
                Some(VrpSource::fixed(set, "a VRP export".to_string()))
            }
            (None, None) => None,
        };
        let origins = match (&self.origins_zone, &self.origins_file) {
            (Some(zone), _) => {
                indaba_model::DomainName::parse(zone)
                    .with_context(|| format!("--origins-zone {zone:?} is not a domain name"))?;
                Some(OriginSource::Zone(zone.clone()))
            }
            (None, Some(path)) => Some(origins_file(path)?),
            (None, None) => None,
        };
        Ok(RoutingSources { origins, vrps })
    }
}

impl RoutingArgs {
    /// The RDAP client: bootstrap files from `--rdap-bootstrap`, server
    /// certificates checked against `roots` (the `--ca-file` roots).
    pub fn rdap_client(
        &self,
        roots: &indaba_checks::certificate::TrustStore,
    ) -> Result<Arc<RdapClient>> {
        let bootstrap = match &self.rdap_bootstrap {
            Some(text) => {
                let source = BootstrapSource::parse(text);
                if let BootstrapSource::Dir(dir) = &source
                    && !dir.is_dir()
                {
                    bail!(
                        "--rdap-bootstrap {text:?} is neither an http(s) URL nor a directory \
                         (one holding dns.json, ipv4.json, ipv6.json and asn.json)"
                    );
                }
                source
            }
            None => BootstrapSource::default(),
        };
        let settings = RdapSettings::new(bootstrap, roots.trust_anchors().to_vec());
        let client = RdapClient::new(settings).map_err(anyhow::Error::msg)?;
        Ok(Arc::new(client))
    }
}

/// The origins of `--origins-file`: MRT when its first bytes are an MRT
/// header, else the prefix-to-AS text format.
fn origins_file(path: &PathBuf) -> Result<OriginSource> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)
        .with_context(|| format!("cannot read the origins file {}", path.display()))?;
    let mut head = [0u8; 16];
    let mut seen = 0;
    while seen < head.len() {
        match file.read(&mut head[seen..]) {
            Ok(0) => break,
            Ok(n) => seen += n,
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot read the origins file {}", path.display()));
            }
        }
    }
    let head = &head[..seen];
    if let Some(kind) = indaba_probe::mrt::compression(head) {
        bail!(
            "the origins file {} is {kind}-compressed; decompress it first",
            path.display()
        );
    }
    if indaba_probe::mrt::looks_like_mrt(head) {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot read the origins file {}", path.display()))?;
        let read = indaba_probe::mrt::read_origins(std::io::BufReader::new(file))
            .with_context(|| format!("the MRT origins file {} is not usable", path.display()))?;
        return Ok(OriginSource::Table {
            table: Arc::new(read.table),
            description: format!("an MRT RIB dump of {} routes", read.routes),
        });
    }
    let text = read_bounded(path, "origins file")?;
    let table = OriginTable::from_text(&text)
        .with_context(|| format!("the origins file {} is not usable", path.display()))?;
    Ok(OriginSource::Table {
        table: Arc::new(table),
        description: "a prefix-to-AS table".to_string(),
    })
}

/// A file of up to 1 GiB read whole (the global VRP set is ~100 MB of JSON).
fn read_bounded(path: &PathBuf, what: &str) -> Result<String> {
    const LIMIT: u64 = 1 << 30;
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read the {what} {}", path.display()))?
        .len();
    if size > LIMIT {
        bail!(
            "the {what} {} is {size} bytes, over the 1 GiB limit",
            path.display()
        );
    }
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} {}", path.display()))
}

async fn resolve_server(text: &str) -> Result<SocketAddr> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let mut addrs = tokio::net::lookup_host(text).await.with_context(|| {
        format!("--rtr {text:?}: give HOST:PORT, e.g. 192.0.2.1:8282 or rtr.example:323")
    })?;
    addrs
        .next()
        .with_context(|| format!("--rtr {text:?} resolves to no address"))
}
