//! Certificates made in the tests themselves: rcgen for ECDSA and Ed25519,
//! Debian's `openssl` binary for what rcgen cannot make with ring (RSA keys
//! of a chosen size, P-224 and other curves, SHA-1 and SHA-224 signatures).

use std::path::{Path, PathBuf};
use std::process::Command;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, SignatureAlgorithm,
};
use time::OffsetDateTime;
use time::macros::datetime;

/// The time the rcgen-made certificates are judged at.
pub(crate) const NOW: OffsetDateTime = datetime!(2025-06-01 12:00 UTC);

/// A certification authority that can issue certificates.
pub(crate) struct Ca {
    pub(crate) der: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
}

fn name(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    dn
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = datetime!(2020-01-01 00:00 UTC);
    params.not_after = datetime!(2040-01-01 00:00 UTC);
    params
}

fn key(alg: &'static SignatureAlgorithm) -> KeyPair {
    KeyPair::generate_for(alg).unwrap_or_else(|e| panic!("key generation: {e}"))
}

impl Ca {
    /// A self-signed P-256 root.
    pub(crate) fn root(cn: &str) -> Ca {
        let params = ca_params(cn);
        let key = key(&PKCS_ECDSA_P256_SHA256);
        let cert = params
            .self_signed(&key)
            .unwrap_or_else(|e| panic!("root: {e}"));
        Ca {
            der: cert.der().as_ref().to_vec(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A P-256 intermediate issued by `self`.
    pub(crate) fn intermediate(&self, cn: &str) -> Ca {
        let params = ca_params(cn);
        let key = key(&PKCS_ECDSA_P256_SHA256);
        let cert = params
            .signed_by(&key, &self.issuer)
            .unwrap_or_else(|e| panic!("intermediate: {e}"));
        Ca {
            der: cert.der().as_ref().to_vec(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate for `names`, valid over `[from, until]`.
    pub(crate) fn leaf(
        &self,
        names: &[&str],
        from: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Vec<u8> {
        self.leaf_with(names, from, until, &PKCS_ECDSA_P256_SHA256)
    }

    /// Like [`Ca::leaf`], with a key of algorithm `alg`.
    pub(crate) fn leaf_with(
        &self,
        names: &[&str],
        from: OffsetDateTime,
        until: OffsetDateTime,
        alg: &'static SignatureAlgorithm,
    ) -> Vec<u8> {
        let params = leaf_params(names, from, until);
        params
            .signed_by(&key(alg), &self.issuer)
            .unwrap_or_else(|e| panic!("leaf: {e}"))
            .der()
            .as_ref()
            .to_vec()
    }
}

fn leaf_params(names: &[&str], from: OffsetDateTime, until: OffsetDateTime) -> CertificateParams {
    let sans: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(sans).unwrap_or_else(|e| panic!("leaf params: {e}"));
    params.distinguished_name = name(names.first().copied().unwrap_or("no name"));
    params.not_before = from;
    params.not_after = until;
    params
}

/// A self-signed server certificate for `names`.
pub(crate) fn self_signed(names: &[&str], from: OffsetDateTime, until: OffsetDateTime) -> Vec<u8> {
    leaf_params(names, from, until)
        .self_signed(&key(&PKCS_ECDSA_P256_SHA256))
        .unwrap_or_else(|e| panic!("self-signed: {e}"))
        .der()
        .as_ref()
        .to_vec()
}

/// A certificate with no subjectAltName, only a subject CN.
pub(crate) fn cn_only(ca: &Ca, cn: &str) -> Vec<u8> {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(cn);
    params.not_before = datetime!(2025-01-01 00:00 UTC);
    params.not_after = datetime!(2026-01-01 00:00 UTC);
    params
        .signed_by(&key(&PKCS_ECDSA_P256_SHA256), &ca.issuer)
        .unwrap_or_else(|e| panic!("cn-only: {e}"))
        .der()
        .as_ref()
        .to_vec()
}

/// A scratch directory in the system temp dir, emptied first.
fn scratch(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("indaba-cert-test-{}-{label}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("the openssl binary is needed for this test: {e}"));
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn pem_to_der(path: &Path) -> Vec<u8> {
    let pem = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    CertificateDer::from_pem_slice(&pem)
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
        .as_ref()
        .to_vec()
}

/// Key options for `openssl req -newkey`.
pub(crate) enum OsslKey {
    /// RSA of this many bits.
    Rsa(u32),
    /// A named curve (`secp224r1`, `brainpoolP256r1`, ...).
    Ec(&'static str),
}

/// A CA (RSA 2048, SHA-256, valid now) and a leaf for `www.example.nl`
/// with `key`, signed with `digest` (`sha1`, `sha224`, `sha256`, ...), both
/// valid from the real current time; returns (leaf, ca) DER.
pub(crate) fn openssl_chain(label: &str, key: OsslKey, digest: &str) -> (Vec<u8>, Vec<u8>) {
    let dir = scratch(label);
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/CN=Openssl Test CA",
            "-days",
            "3650",
            "-sha256",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ],
    );
    match key {
        OsslKey::Rsa(bits) => {
            let spec = format!("rsa:{bits}");
            openssl(
                &dir,
                &[
                    "req",
                    "-newkey",
                    &spec,
                    "-nodes",
                    "-keyout",
                    "leaf.key",
                    "-out",
                    "leaf.csr",
                    "-subj",
                    "/CN=www.example.nl",
                ],
            );
        }
        OsslKey::Ec(curve) => {
            openssl(
                &dir,
                &[
                    "ecparam", "-name", curve, "-genkey", "-noout", "-out", "leaf.key",
                ],
            );
            openssl(
                &dir,
                &[
                    "req",
                    "-new",
                    "-key",
                    "leaf.key",
                    "-out",
                    "leaf.csr",
                    "-subj",
                    "/CN=www.example.nl",
                ],
            );
        }
    }
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=DNS:www.example.nl\n")
        .unwrap_or_else(|e| panic!("ext.cnf: {e}"));
    let digest_flag = format!("-{digest}");
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "365",
            &digest_flag,
            "-extfile",
            "ext.cnf",
        ],
    );
    let leaf = pem_to_der(&dir.join("leaf.pem"));
    let ca = pem_to_der(&dir.join("ca.pem"));
    let _ = std::fs::remove_dir_all(&dir);
    (leaf, ca)
}
