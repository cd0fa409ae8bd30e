//! Route origin probes: which announced routes cover an address, and which
//! VRPs cover those routes, from the sources the operator configured.
//!
//! Origins come from a DNS zone in Team Cymru's TXT format (asked through the
//! session, so the exchanges are recorded like every other DNS observation) or
//! from a prefix-to-AS table loaded at start. VRPs come from a JSON export read
//! at start or from a live RTR feed ([`crate::rtr`]). This module only
//! observes; `indaba_checks::rpki` judges.

use std::net::IpAddr;
use std::sync::Arc;

use futures::future::join_all;
use hickory_proto::rr::{RData, RecordType};
use indaba_model::observation::{
    AddressRoutes, DnsQuestion, QueryMode, RouteLookup, RouteWithVrps, RoutingObservations,
};
use indaba_model::routing::{self, OriginTable, Prefix, Route, VrpSet};

use crate::rtr::{RtrFeed, VrpSnapshot};
use crate::session::Session;

/// Where route origins come from.
#[derive(Debug, Clone)]
pub enum OriginSource {
    /// A Cymru-format zone: `origin.<zone>` and `origin6.<zone>` TXT records.
    Zone(String),
    /// A table loaded from a file.
    Table {
        /// The routes.
        table: Arc<OriginTable>,
        /// Where it came from, for evidence.
        description: String,
    },
}

/// Where VRPs come from.
#[derive(Debug, Clone)]
pub enum VrpSource {
    /// A fixed set (a JSON export read at start).
    Fixed(Arc<VrpSnapshot>),
    /// A live RTR feed.
    Rtr(RtrFeed),
}

impl VrpSource {
    /// A fixed source from a set read from `description` (a file name).
    pub fn fixed(set: VrpSet, description: String) -> VrpSource {
        let description = format!("{description}, {} VRPs", set.len());
        VrpSource::Fixed(Arc::new(VrpSnapshot {
            set,
            description,
            ..VrpSnapshot::default()
        }))
    }

    /// The data in force now.
    pub fn snapshot(&self) -> Arc<VrpSnapshot> {
        match self {
            VrpSource::Fixed(snapshot) => snapshot.clone(),
            VrpSource::Rtr(feed) => feed.snapshot(),
        }
    }
}

/// The routing sources configured for a test run; either may be missing,
/// which the checks report as `error` rather than guessing.
#[derive(Debug, Clone, Default)]
pub struct RoutingSources {
    /// Route origins.
    pub origins: Option<OriginSource>,
    /// VRPs.
    pub vrps: Option<VrpSource>,
}

impl RoutingSources {
    /// Whether any source is configured at all.
    pub fn is_empty(&self) -> bool {
        self.origins.is_none() && self.vrps.is_none()
    }
}

/// The most TXT answers of one origin lookup that are read.
const MAX_ORIGIN_RECORDS: usize = 32;

/// Looks up the routes covering each address and the VRPs covering each route.
pub async fn observe(
    session: &Session,
    sources: &RoutingSources,
    addresses: &[IpAddr],
) -> RoutingObservations {
    let snapshot = sources.vrps.as_ref().map(VrpSource::snapshot);
    let vrp_source = snapshot.as_ref().map(|s| s.description.clone());
    let origin_source = sources.origins.as_ref().map(|o| match o {
        OriginSource::Zone(zone) => format!("DNS zone {}", zone.trim_end_matches('.')),
        OriginSource::Table { description, .. } => description.clone(),
    });
    let mut unique: Vec<IpAddr> = Vec::new();
    for a in addresses {
        if !unique.contains(a) {
            unique.push(*a);
        }
    }
    let lookups = unique.iter().map(|&address| {
        let snapshot = snapshot.clone();
        async move {
            let outcome = match &sources.origins {
                None => RouteLookup::Failed {
                    reason: "no route origin source configured".into(),
                },
                Some(source) => match origins(session, source, address).await {
                    Err(reason) => RouteLookup::Failed { reason },
                    Ok(routes) => RouteLookup::Routes {
                        routes: routes
                            .into_iter()
                            .map(|route| RouteWithVrps {
                                covering: snapshot
                                    .as_ref()
                                    .map(|s| s.set.covering(&route.prefix))
                                    .unwrap_or_default(),
                                route,
                            })
                            .collect(),
                    },
                },
            };
            // An unrouted address can still have a ROA (a route not yet
            // announced, or withdrawn): the VRPs covering the address say so.
            let address_vrps = match (&outcome, &snapshot) {
                (RouteLookup::Routes { routes }, Some(s)) if routes.is_empty() => {
                    s.set.covering(&Prefix::host(address))
                }
                _ => Vec::new(),
            };
            AddressRoutes {
                address,
                outcome,
                address_vrps,
            }
        }
    });
    RoutingObservations {
        origin_source,
        vrp_source,
        addresses: join_all(lookups).await,
    }
}

/// The routes covering `address` according to `source`, most specific first.
async fn origins(
    session: &Session,
    source: &OriginSource,
    address: IpAddr,
) -> Result<Vec<Route>, String> {
    match source {
        OriginSource::Table { table, .. } => Ok(table.routes_for(address)),
        OriginSource::Zone(zone) => {
            let name = routing::cymru_query_name(address, zone);
            let exchange = session
                .resolve(DnsQuestion::new(&name, "TXT"), QueryMode::Raw)
                .await;
            if let Some(failure) = exchange.failure() {
                return Err(format!("{name} TXT: {failure}"));
            }
            let Some(response) = exchange.response() else {
                return Err(format!("{name} TXT: no answer"));
            };
            let mut routes = Vec::new();
            for data in response
                .answer_data(RecordType::TXT)
                .into_iter()
                .take(MAX_ORIGIN_RECORDS)
            {
                let RData::TXT(txt) = data else { continue };
                let text: String = txt
                    .txt_data
                    .iter()
                    .map(|part| String::from_utf8_lossy(part))
                    .collect();
                let parsed =
                    routing::parse_cymru_origin(&text).map_err(|e| format!("{name} TXT: {e}"))?;
                routes.extend(
                    parsed
                        .into_iter()
                        .filter(|r| r.prefix.covers(&Prefix::host(address))),
                );
            }
            routes.sort_by(|a, b| {
                b.prefix
                    .len()
                    .cmp(&a.prefix.len())
                    .then(a.origin.cmp(&b.origin))
            });
            routes.dedup();
            Ok(routes)
        }
    }
}
