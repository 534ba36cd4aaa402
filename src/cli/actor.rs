//! Who is acting, for `halt`, `resume`, `override` and `approve-resume`.

use std::path::PathBuf;

use clap::Args;

use crate::audit::{Authorized, Power, authorize};
use crate::compile::Policy;
use crate::keys::PrivateKey;

/// The acting approver: their id, key and role, and the policy that declares them.
#[derive(Debug, Args)]
pub(crate) struct ActorArgs {
    /// Your private key: the key the policy declares for you.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// Your approver id in the policy.
    #[arg(long = "as", value_name = "ID")]
    pub id: String,
    /// The role you act in (default: the first of your roles the policy allows).
    #[arg(long)]
    pub role: Option<String>,
    /// Policy directory.
    #[arg(long, value_name = "DIR", default_value = "policies")]
    pub policies: PathBuf,
}

impl ActorArgs {
    /// Loads the policy and the key and checks the policy grants `power`.
    pub(crate) fn authorize(&self, power: Power) -> Result<(Policy, Authorized), String> {
        let policy = Policy::load(&self.policies).map_err(|e| match e.layout_problem() {
            Some(problem) => problem.to_string(),
            None => format!(
                "{e}\nerror: the policy in `{}` does not compile",
                crate::cli::shown_path(&self.policies)
            ),
        })?;
        let key = PrivateKey::load(&self.key).map_err(|e| e.to_string())?;
        let who = authorize(&policy, power, &self.id, self.role.as_deref(), &key)
            .map_err(|e| e.to_string())?;
        Ok((policy, who))
    }
}
