//! Standard Webhooks signatures: `v1,` and the base64 HMAC-SHA256 of
//! `id.timestamp.body` under the endpoint's secret (`whsec_` and the base64
//! key).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use backorders_host::HostError;

const PREFIX: &str = "whsec_";
/// Key sizes Standard Webhooks allows, in bytes.
const KEY_BYTES: std::ops::RangeInclusive<usize> = 24..=64;
/// The size of a generated key.
const NEW_KEY_BYTES: usize = 32;

fn key(secret: &str) -> Result<Vec<u8>, HostError> {
    let invalid = |message: String| HostError::InvalidInput { field: "secret", message };
    let encoded = secret
        .strip_prefix(PREFIX)
        .ok_or_else(|| invalid(format!("must start with {PREFIX}")))?;
    let key = STANDARD
        .decode(encoded)
        .map_err(|error| invalid(format!("after {PREFIX} must be base64: {error}")))?;
    if !KEY_BYTES.contains(&key.len()) {
        return Err(invalid(format!(
            "the key must be {} to {} bytes, not {}",
            KEY_BYTES.start(),
            KEY_BYTES.end(),
            key.len()
        )));
    }
    Ok(key)
}

/// Checks a secret given to `webhooks add`.
pub fn validate_secret(secret: &str) -> Result<(), HostError> {
    key(secret).map(drop)
}

/// A new random secret.
pub fn generate_secret() -> Result<String, HostError> {
    let mut key = [0; NEW_KEY_BYTES];
    getrandom::fill(&mut key).map_err(HostError::storage("generate a webhook secret"))?;
    Ok(format!("{PREFIX}{}", STANDARD.encode(key)))
}

/// The `webhook-signature` header of a message.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, HostError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key(secret)?)
        .unwrap_or_else(|error| unreachable!("HMAC takes keys of any size: {error}"));
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_checked_and_generated_ones_pass() {
        assert!(validate_secret(&generate_secret().unwrap()).is_ok());
        for bad in ["abc", "whsec_!!", "whsec_c2hvcnQ="] {
            let error = validate_secret(bad).unwrap_err().to_string();
            assert!(error.starts_with("invalid input: secret: "), "{bad}: {error}");
        }
    }
}
