//! The few DER reads x509-parser and webpki do not offer in the shape we need:
//! one tag-length-value at a time, so a SubjectPublicKeyInfo or a Name can be
//! handed to webpki as the bare contents it compares.

/// Reads one DER tag-length-value from the start of `input`: the tag byte,
/// the contents and what follows. `None` when the encoding is cut short,
/// uses a multi-byte tag, or states a length over 4 bytes (no certificate
/// field needs more).
pub(crate) fn read_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (bytes, rest) = rest.split_at_checked(n)?;
        let len = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, rest)
    };
    let (contents, rest) = rest.split_at_checked(len)?;
    Some((tag, contents, rest))
}

/// The contents of `input` when it is exactly one SEQUENCE.
pub(crate) fn sequence_contents(input: &[u8]) -> Option<&[u8]> {
    match read_tlv(input)? {
        (0x30, contents, []) => Some(contents),
        _ => None,
    }
}

/// `contents` wrapped as a DER SEQUENCE (the inverse of
/// [`sequence_contents`]), for names and keys webpki keeps unwrapped.
pub(crate) fn wrap_sequence(contents: &[u8]) -> Vec<u8> {
    let len = contents.len();
    let mut out = vec![0x30];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(contents);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        assert_eq!(
            read_tlv(&[0x30, 0x01, 0xaa, 0xbb]),
            Some((0x30, &[0xaa][..], &[0xbb][..]))
        );
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend(std::iter::repeat_n(7u8, 128));
        let (tag, contents, rest) = read_tlv(&long).unwrap_or((0, &[], &[]));
        assert_eq!((tag, contents.len(), rest.len()), (0x04, 128, 0));
        assert_eq!(read_tlv(&[0x30, 0x05, 0x00]), None);
        assert_eq!(read_tlv(&[0x1f, 0x00]), None);
        assert_eq!(sequence_contents(&[0x30, 0x00, 0x00]), None);
        assert_eq!(sequence_contents(&[0x30, 0x00]), Some(&[][..]));
        for n in [0usize, 1, 127, 128, 255, 256, 70_000] {
            let body = vec![1u8; n];
            assert_eq!(sequence_contents(&wrap_sequence(&body)), Some(&body[..]));
        }
    }
}
