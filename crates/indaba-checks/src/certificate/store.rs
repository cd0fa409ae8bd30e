//! The trust roots a chain must lead to: Mozilla's (through `webpki-roots`)
//! or a PEM file such as the test network's CA.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, TrustAnchor};

/// Most certificates read from one PEM file (Mozilla's bundle has ~150).
const MAX_ROOTS: usize = 10_000;

/// Why a trust store could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustStoreError {
    /// The PEM text is malformed.
    #[error("the CA file is not valid PEM: {0}")]
    Pem(String),
    /// No CERTIFICATE section was found.
    #[error("the CA file holds no certificate")]
    Empty,
    /// A certificate cannot serve as a trust anchor.
    #[error("certificate {index} in the CA file cannot be a trust anchor: {reason}")]
    BadCertificate {
        /// 1-based position in the file.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// More certificates than any real CA file holds.
    #[error("the CA file holds more than {MAX_ROOTS} certificates")]
    TooMany,
}

/// One trust root: what webpki needs, and the whole certificate when known.
#[derive(Debug, Clone)]
pub(crate) struct Root {
    pub(crate) anchor: TrustAnchor<'static>,
    /// Absent for `webpki-roots`, which ships only subject and key.
    pub(crate) certificate: Option<Vec<u8>>,
}

/// A set of trust roots.
#[derive(Debug, Clone)]
pub struct TrustStore {
    roots: Vec<Root>,
    anchors: Vec<TrustAnchor<'static>>,
    description: String,
}

impl TrustStore {
    /// Mozilla's root programme, as shipped by the `webpki-roots` crate
    /// (subject and key only, no whole certificates).
    pub fn mozilla() -> Self {
        let roots: Vec<Root> = webpki_roots::TLS_SERVER_ROOTS
            .iter()
            .map(|a| Root {
                anchor: a.clone(),
                certificate: None,
            })
            .collect();
        Self::build(roots, "Mozilla root store (webpki-roots)".to_string())
    }

    /// A store with no roots: nothing is PKIX-trusted. For DANE-only
    /// evaluation, where DANE-TA and DANE-EE need no roots.
    pub fn empty(description: &str) -> Self {
        Self::build(Vec::new(), description.to_string())
    }

    /// Every CERTIFICATE in a PEM file (other sections are skipped).
    /// `description` names the file in evidence.
    pub fn from_pem(pem: &[u8], description: &str) -> Result<Self, TrustStoreError> {
        let mut ders = Vec::new();
        for item in CertificateDer::pem_slice_iter(pem) {
            let der = item.map_err(|e| TrustStoreError::Pem(e.to_string()))?;
            if ders.len() == MAX_ROOTS {
                return Err(TrustStoreError::TooMany);
            }
            ders.push(der.as_ref().to_vec());
        }
        Self::from_der(&ders, description)
    }

    /// Trust roots from DER certificates.
    pub fn from_der(certificates: &[Vec<u8>], description: &str) -> Result<Self, TrustStoreError> {
        if certificates.is_empty() {
            return Err(TrustStoreError::Empty);
        }
        if certificates.len() > MAX_ROOTS {
            return Err(TrustStoreError::TooMany);
        }
        let mut roots = Vec::with_capacity(certificates.len());
        for (i, der) in certificates.iter().enumerate() {
            let cert = CertificateDer::from(der.as_slice());
            let anchor = webpki::anchor_from_trusted_cert(&cert).map_err(|e| {
                TrustStoreError::BadCertificate {
                    index: i + 1,
                    reason: format!("{e:?}"),
                }
            })?;
            roots.push(Root {
                anchor: anchor.to_owned(),
                certificate: Some(der.clone()),
            });
        }
        Ok(Self::build(roots, description.to_string()))
    }

    fn build(roots: Vec<Root>, description: String) -> Self {
        let anchors = roots.iter().map(|r| r.anchor.clone()).collect();
        TrustStore {
            roots,
            anchors,
            description,
        }
    }

    /// What the store is, for evidence.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Number of roots.
    pub fn len(&self) -> usize {
        self.roots.len()
    }

    /// True when the store holds no root.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// The roots as webpki trust anchors, for TLS clients that verify
    /// against the same store (the RDAP client).
    pub fn trust_anchors(&self) -> &[TrustAnchor<'static>] {
        &self.anchors
    }

    pub(crate) fn anchors(&self) -> &[TrustAnchor<'static>] {
        &self.anchors
    }

    pub(crate) fn roots(&self) -> &[Root] {
        &self.roots
    }

    /// The root whose subject and key a certificate carries (given as the
    /// DER of its subject Name and SubjectPublicKeyInfo).
    pub(crate) fn root_for(&self, subject_der: &[u8], spki_der: &[u8]) -> Option<&Root> {
        let subject = super::der::sequence_contents(subject_der)?;
        let spki = super::der::sequence_contents(spki_der)?;
        self.roots.iter().find(|r| {
            r.anchor.subject.as_ref() == subject
                && r.anchor.subject_public_key_info.as_ref() == spki
        })
    }

    /// Whether some root has this subject (DER of a Name): the issuer of a
    /// chain's top certificate is known.
    pub(crate) fn has_subject(&self, name_der: &[u8]) -> bool {
        match super::der::sequence_contents(name_der) {
            Some(name) => self.roots.iter().any(|r| r.anchor.subject.as_ref() == name),
            None => false,
        }
    }
}
