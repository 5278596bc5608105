//! Where a profile reaches AWS (region, named profile, endpoint, Glue catalog id): the part
//! that Athena profiles and Glue-local profiles share, and the checks of a local profile's
//! combination of keys.

use super::{AthenaProfile, LocalProfile};

/// `catalog = "glue"` in a local profile: the lake's Glue catalog, data read from S3.
pub const GLUE_CATALOG: &str = "glue";

/// How to reach the lake's AWS account. Credentials come only from the standard AWS chain.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AwsTarget {
    pub region: Option<String>,
    pub aws_profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub glue_catalog_id: Option<String>,
}

impl AthenaProfile {
    pub fn aws(&self) -> AwsTarget {
        AwsTarget {
            region: self.region.clone(),
            aws_profile: self.aws_profile.clone(),
            endpoint_url: self.endpoint_url.clone(),
            glue_catalog_id: self.glue_catalog_id.clone(),
        }
    }
}

impl LocalProfile {
    /// The catalog is the lake's Glue catalog (not a SQL catalog).
    pub fn is_glue(&self) -> bool {
        self.catalog.trim().eq_ignore_ascii_case(GLUE_CATALOG)
    }

    /// Where a Glue-local profile reaches AWS; None for a SQL catalog.
    pub fn aws(&self) -> Option<AwsTarget> {
        self.is_glue().then(|| AwsTarget {
            region: self.region.clone(),
            aws_profile: self.aws_profile.clone(),
            endpoint_url: self.endpoint_url.clone(),
            glue_catalog_id: self.glue_catalog_id.clone(),
        })
    }

    /// A combination of keys that cannot work, as "what is wrong; what to do".
    pub fn check(&self) -> Result<(), String> {
        let aws_keys: Vec<&str> = [
            ("region", self.region.is_some()),
            ("aws_profile", self.aws_profile.is_some()),
            ("glue_catalog_id", self.glue_catalog_id.is_some()),
            ("endpoint_url", self.endpoint_url.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, set)| set.then_some(k))
        .collect();
        if self.is_glue() {
            if !self.warehouse.is_empty() {
                return Err(format!(
                    "key warehouse: a Glue catalog's tables say where their data lives; remove `warehouse = \"{}\"` (it is for SQL catalogs)",
                    self.warehouse
                ));
            }
            if let Some(e) = &self.endpoint_url
                && !(e.starts_with("http://") || e.starts_with("https://"))
            {
                return Err(format!("key endpoint_url: '{e}' is not an http:// or https:// URL"));
            }
            return Ok(());
        }
        if !aws_keys.is_empty() {
            return Err(format!(
                "key {}: only a profile with catalog = \"glue\" reaches AWS; set catalog = \"glue\" (and drop warehouse), or remove {}",
                aws_keys[0],
                aws_keys.join(", ")
            ));
        }
        if self.warehouse.is_empty() {
            return Err(format!(
                "key warehouse: missing; a SQL catalog ({}) needs the warehouse directory its tables are written under, or set catalog = \"glue\"",
                self.catalog
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(catalog: &str, warehouse: &str) -> LocalProfile {
        LocalProfile { catalog: catalog.into(), warehouse: warehouse.into(), ..LocalProfile::default() }
    }

    #[test]
    fn glue_profiles_take_aws_keys_and_sql_catalogs_refuse_them() {
        let mut glue = local("glue", "");
        glue.region = Some("ap-northeast-2".into());
        assert!(glue.check().is_ok() && glue.is_glue() && glue.sqlite_path().is_none());
        assert_eq!(glue.aws().unwrap().region.as_deref(), Some("ap-northeast-2"));

        let mut with_warehouse = glue.clone();
        with_warehouse.warehouse = "/x".into();
        assert!(with_warehouse.check().unwrap_err().contains("key warehouse"));

        let mut bad_endpoint = glue.clone();
        bad_endpoint.endpoint_url = Some("localhost:5000".into());
        assert!(bad_endpoint.check().unwrap_err().contains("endpoint_url"));

        let mut sql = local("sqlite:///x/c.db", "/x/w");
        assert!(sql.check().is_ok() && sql.aws().is_none());
        sql.region = Some("us-east-1".into());
        let e = sql.check().unwrap_err();
        assert!(e.contains("key region") && e.contains("catalog = \"glue\""), "{e}");
        let e = local("sqlite:///x/c.db", "").check().unwrap_err();
        assert!(e.contains("key warehouse: missing"), "{e}");
    }
}
