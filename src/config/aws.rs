//! Where a profile reaches AWS (region, named profile, endpoint, Glue catalog id): the part
//! that Athena profiles and Glue-local profiles share, the checks of a local profile's
//! combination of keys, and which Glue-local profile reads an Athena profile's tables directly.

use std::collections::BTreeMap;

use super::{AthenaProfile, Config, LocalProfile, Profile};

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

impl AwsTarget {
    /// Both reach the same Glue catalog: the same region and endpoint, and the same catalog
    /// id; with no id (the account's own catalog), the same AWS profile, so the same account.
    pub fn same_catalog(&self, other: &AwsTarget) -> bool {
        fn norm(s: &Option<String>) -> Option<String> {
            s.as_deref().map(|v| v.trim().trim_end_matches('/').to_ascii_lowercase()).filter(|v| !v.is_empty())
        }
        let account = match (norm(&self.glue_catalog_id), norm(&other.glue_catalog_id)) {
            (None, None) => norm(&self.aws_profile) == norm(&other.aws_profile),
            (a, b) => a == b,
        };
        account && norm(&self.region) == norm(&other.region) && norm(&self.endpoint_url) == norm(&other.endpoint_url)
    }
}

/// The Glue-local profile that reads the tables of Athena profile `athena` directly (the same
/// Glue catalog and region), first by name when several do; none for an Athena data catalog
/// other than the account's Glue catalog (`AwsDataCatalog`).
pub fn direct_twin<'a>(profiles: &'a BTreeMap<String, Profile>, athena: &AthenaProfile) -> Option<&'a str> {
    if !athena.catalog.trim().eq_ignore_ascii_case("AwsDataCatalog") {
        return None;
    }
    let target = athena.aws();
    profiles.iter().find_map(|(name, p)| match p {
        Profile::Local(l) => l.aws().filter(|t| t.same_catalog(&target)).map(|_| name.as_str()),
        _ => None,
    })
}

impl Config {
    /// The Glue-local twin of profile `name` when it is an Athena profile ([`direct_twin`]).
    pub fn direct_twin(&self, name: &str) -> Option<&str> {
        match self.profiles.get(name) {
            Some(Profile::Athena(a)) => direct_twin(&self.profiles, a),
            _ => None,
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
    fn an_athena_profile_has_the_glue_local_profile_on_its_catalog_and_region_as_its_twin() {
        let athena = AthenaProfile::new("ap-northeast-2");
        let glue = |region: &str| LocalProfile { region: Some(region.into()), ..local("glue", "") };
        let mut profiles = BTreeMap::from([
            ("prod".to_string(), Profile::Athena(athena.clone())),
            ("demo".to_string(), Profile::Local(local("sqlite:///x/c.db", "/x/w"))),
            ("seoul".to_string(), Profile::Local(glue("ap-northeast-2"))),
            ("virginia".to_string(), Profile::Local(glue("us-east-1"))),
        ]);
        assert_eq!(direct_twin(&profiles, &athena), Some("seoul"));
        // Another region, another catalog id or another account's profile: no twin.
        let mut other = athena.clone();
        other.region = Some("eu-west-1".into());
        assert_eq!(direct_twin(&profiles, &other), None);
        other = athena.clone();
        other.glue_catalog_id = Some("123456789012".into());
        assert_eq!(direct_twin(&profiles, &other), None);
        other.aws_profile = Some("analyst".into());
        let mut shared = glue("ap-northeast-2");
        shared.glue_catalog_id = Some("123456789012".into());
        profiles.insert("shared".into(), Profile::Local(shared));
        assert_eq!(direct_twin(&profiles, &other), Some("shared"), "a catalog id names the catalog whatever the AWS profile");
        other = athena.clone();
        other.aws_profile = Some("analyst".into());
        assert_eq!(direct_twin(&profiles, &other), None, "the account's own catalog of another AWS profile");
        // An emulator's endpoint must be the same one (a trailing slash aside).
        other = athena.clone();
        other.endpoint_url = Some("http://127.0.0.1:5000/".into());
        assert_eq!(direct_twin(&profiles, &other), None);
        profiles.insert("emu".into(), Profile::Local(LocalProfile { endpoint_url: Some("http://127.0.0.1:5000".into()), ..glue("ap-northeast-2") }));
        assert_eq!(direct_twin(&profiles, &other), Some("emu"));
        // An Athena data catalog other than the account's Glue catalog has no twin.
        other = athena.clone();
        other.catalog = "federated_pg".into();
        assert_eq!(direct_twin(&profiles, &other), None);
        // Through a config file: only Athena profiles have one.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        let toml = "[profiles.prod]\nengine = \"athena\"\nregion = \"ap-northeast-2\"\n\
                    [profiles.lake]\nengine = \"local\"\ncatalog = \"glue\"\nregion = \"ap-northeast-2\"\n";
        std::fs::write(&file, toml).unwrap();
        let paths = crate::config::Paths { config_file: file.clone(), data_dir: dir.path().join("d"), state_dir: dir.path().join("s") };
        let config = Config::load(Some(&file), paths).unwrap();
        assert_eq!((config.direct_twin("prod"), config.direct_twin("lake"), config.direct_twin("nope")), (Some("lake"), None, None));
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
