//! A generator of whole policies that always compile, and the model the request generator
//! reads to make requests that fit them.

use super::choices::Choices;
use super::expr_gen::{Attr, AttrTy, Cx, ExprGen, Helper, Names, Ty, glob};

/// A valid Ed25519 public key for each of [`APPROVERS`] (any fixed ones: approvals arrive
/// already verified; one each, as E0055 wants).
pub const KEYS: [&str; 6] = [
    "ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA=",
    "ed25519:IGRuq8g82PW3zmamD7pTVJfNSAeESEamr98mxNc2gT0=",
    "ed25519:ZCgsudvc8t9oErnbVjt/qpWtIbXOhOGjtYfLajj2Jvg=",
    "ed25519:780/OfNjfJYuft/nRKW1LP8l0bnaxU/FvFxO2gj2xJY=",
    "ed25519:MJ/E/R5t//81KT61g8dlBvUXefAtLZQtflMKfhcxaf4=",
    "ed25519:/4dlDb0YIEufzY2ayq2z+wfv6871z4m1ILmDklxHiSc=",
];

pub const ROLES: &[&str] = &["admin", "lead", "qa", "sec"];
/// Capabilities gates may require in `scope`.
pub const CAPS: &[&str] = &["deploy:prod", "db.write", "release"];

/// Approvers a policy may declare: id and whether it is an agent.
const APPROVERS: &[(&str, bool)] = &[
    ("alice@example.com", false),
    ("bob@example.com", false),
    ("carol@example.com", false),
    ("release-bot", true),
    ("dave@example.com", false),
    ("ci-agent", true),
];

/// Attributes a policy may declare.
const ATTRIBUTES: &[(&str, AttrTy, Option<&str>)] = &[
    ("desc", AttrTy::Str, None),
    ("runs", AttrTy::Num, None),
    ("ok", AttrTy::Bool, None),
    ("scope.paths", AttrTy::ListStr, None),
    ("max_runs", AttrTy::Num, Some("1")),
    ("tag", AttrTy::Str, Some("\"none\"")),
    ("strict", AttrTy::Bool, Some("false")),
];

const LEVELS: &[&str] = &["critical", "high", "medium", "low"];
const THRESHOLDS: &[&str] = &["90", "75", "60", "50", "30", "25.5", "10", "0"];
const WINDOWS: &[&str] = &["30m", "1h", "2h", "24h", "1d", "1h30m", "90s"];
const WORDS: &[&str] = &["changed", "files", "risk is", "by", "in", "ok"];

/// A declared approver.
#[derive(Clone, Debug)]
pub struct Approver {
    pub id: &'static str,
    /// Its position in [`APPROVERS`] (and so its key in [`KEYS`]).
    pub index: usize,
    pub roles: Vec<&'static str>,
    pub agent: bool,
}

/// A generated policy: its text and what the request generator needs to know about it.
#[derive(Clone, Debug)]
pub struct PolicyModel {
    pub text: String,
    pub names: Names,
    pub approvers: Vec<Approver>,
    pub override_roles: Vec<&'static str>,
    /// Roles some gate of the policy accepts.
    pub gate_roles: Vec<&'static str>,
}

/// Generates a policy.
pub fn policy(c: &mut Choices) -> PolicyModel {
    let mut names = Names {
        roles: ROLES.to_vec(),
        custom_action: c.chance(30).then_some("sync"),
        custom_kind: c.chance(30).then_some("experiment"),
        from_environment: c.chance(15),
        no_environments: c.chance(4),
        ..Names::default()
    };
    let mut text = String::from("policy \"generated\"\n\n");
    if !names.no_environments {
        text.push_str("environments dev -> staging -> prod\n");
    }
    text.push_str(&format!("roles {}\n", ROLES.join(", ")));
    if let Some(a) = names.custom_action {
        text.push_str(&format!("actions {a}\n"));
    }
    if let Some(k) = names.custom_kind {
        text.push_str(&format!("kinds {k}\n"));
    }

    let approvers = approvers(c);
    for a in &approvers {
        let agent = if a.agent { " agent" } else { "" };
        let key = if !c.chance(10) {
            format!(" key \"{}\"", KEYS.get(a.index).unwrap_or(&KEYS[0]))
        } else {
            String::new()
        };
        text.push_str(&format!(
            "approver \"{}\" roles {}{agent}{key}\n",
            a.id,
            a.roles.join(", ")
        ));
    }

    // Now and then more than 64 sets, so that membership bitmasks take several words.
    let set_count = if c.chance(5) {
        60 + c.below(20)
    } else {
        1 + c.below(4)
    };
    for i in 0..set_count {
        let n = 1 + c.below(4);
        let globs: Vec<String> = (0..n).map(|_| format!("\"{}\"", glob(c))).collect();
        text.push_str(&format!("paths s{i} [{}]\n", globs.join(", ")));
        names.sets.push(format!("s{i}"));
    }

    for &(name, ty, default) in ATTRIBUTES {
        if !c.chance(50) {
            continue;
        }
        let ty_text = match ty {
            AttrTy::Str => "string",
            AttrTy::Num => "number",
            AttrTy::Bool => "bool",
            AttrTy::ListStr => "list<string>",
        };
        let default_text = default.map(|d| format!(" = {d}")).unwrap_or_default();
        text.push_str(&format!("attribute {name}: {ty_text}{default_text}\n"));
        names.attrs.push(Attr { name, ty, default });
    }

    names.has_risk = c.chance(40);
    if names.has_risk && c.chance(60) {
        let k = 1 + c.below(3);
        names.levels = LEVELS[LEVELS.len() - k..].to_vec();
    }

    // Helpers, each seeing only the ones before it.
    let helper_count = c.below(5);
    for i in 0..helper_count {
        let per_file = c.chance(35);
        let (helper, body) = {
            let mut g = ExprGen::new(c, &names);
            let ty = if per_file {
                [Ty::Bool, Ty::Num, Ty::Str][g.c.weighted(&[3, 2, 1])]
            } else {
                match g.c.weighted(&[3, 3, 1, 2, 1]) {
                    0 => Ty::Bool,
                    1 => Ty::Num,
                    2 => Ty::Str,
                    3 => Ty::Sym(g.helper_domain()),
                    _ => Ty::ListStr,
                }
            };
            let cx = Cx {
                file_helper: per_file,
                in_helper: true,
                ..Cx::default()
            };
            let d = g.c.below(3) as u32;
            let body = g.expr(ty, d, cx);
            let helper = Helper {
                name: format!("h{i}"),
                ty,
                per_file,
                reads_risk: g.read_risk,
            };
            (helper, body)
        };
        text.push_str(&format!("let {} = {body}\n", helper.name));
        names.helpers.push(helper);
    }

    if names.has_risk {
        text.push_str(&risk_block(c, &names));
    }

    let mut rules_text = String::new();
    let mut gate_roles = Vec::new();
    if c.chance(60) {
        let default = outcome(c, &names, &mut gate_roles);
        rules_text.push_str(&format!("\ndefault {default}\n"));
    }
    let rule_count = 1 + c.below(8);
    for i in 0..rule_count {
        let title = if c.chance(50) {
            format!(" \"rule number {i}\"")
        } else {
            String::new()
        };
        let d = 1 + c.below(4) as u32;
        let condition = ExprGen::new(c, &names).boolean(d, Cx::default());
        let outcome = outcome(c, &names, &mut gate_roles);
        rules_text.push_str(&format!(
            "\nrule r{i}{title} {{\n  when {condition}\n  then {outcome}\n}}\n"
        ));
    }
    text.push_str(&rules_text);

    let mut override_roles = Vec::new();
    if c.chance(20) {
        override_roles = vec!["admin"];
        if c.chance(50) {
            override_roles.push("sec");
        }
        text.push_str(&format!("\noverride by {}\n", override_roles.join(", ")));
    }

    PolicyModel {
        text,
        names,
        approvers,
        override_roles,
        gate_roles,
    }
}

fn approvers(c: &mut Choices) -> Vec<Approver> {
    let mut out = Vec::new();
    for (i, &(id, agent)) in APPROVERS.iter().enumerate() {
        if i > 0 && !c.chance(60) {
            continue;
        }
        let mut roles = c.subset(ROLES, 40);
        if roles.is_empty() {
            roles.push(c.pick(ROLES));
        }
        out.push(Approver {
            id,
            roles,
            agent,
            index: i,
        });
    }
    out
}

fn risk_block(c: &mut Choices, names: &Names) -> String {
    let cx = Cx {
        in_risk: true,
        ..Cx::default()
    };
    let mut text = String::from("\nrisk {\n");
    let factors = 1 + c.below(3);
    // Labels must differ (E0010), and an unlabelled factor is named by its condition as
    // `gavel fmt` prints it, which two different texts can share (`any file`, `any files`):
    // at most one factor goes unlabelled.
    let mut unlabelled = false;
    for i in 0..factors {
        let mut g = ExprGen::new(c, names);
        let weight = g.number(1, cx);
        let d = 1 + g.c.below(2) as u32;
        let condition = g.boolean(d, cx);
        let label = if c.chance(50) || unlabelled {
            format!(" as \"factor {i}\"")
        } else {
            unlabelled = true;
            String::new()
        };
        text.push_str(&format!("  {weight} when {condition}{label};\n"));
    }
    if !names.levels.is_empty() {
        // Strictly decreasing thresholds, then the catch-all.
        let mut thresholds: Vec<&str> = Vec::new();
        let mut from = 0;
        for _ in 1..names.levels.len() {
            let left = THRESHOLDS.len() - from - (names.levels.len() - 1 - thresholds.len());
            let pick = from + c.below(left);
            thresholds.push(THRESHOLDS[pick]);
            from = pick + 1;
        }
        let mut levels: Vec<String> = thresholds
            .iter()
            .zip(&names.levels)
            .map(|(t, l)| format!("{l} >= {t}"))
            .collect();
        levels.extend(names.levels.last().map(|l| l.to_string()));
        text.push_str(&format!("  levels {{ {} }}\n", levels.join(", ")));
    }
    text.push_str("}\n");
    text
}

/// A message with zero to two interpolations.
fn message(c: &mut Choices, names: &Names) -> String {
    let cx = Cx {
        no_quotes: true,
        ..Cx::default()
    };
    let mut parts = vec![c.pick(WORDS).to_string()];
    for _ in 0..c.below(3) {
        let mut g = ExprGen::new(c, names);
        let expr = match g.c.weighted(&[3, 1, 1, 1, 1]) {
            0 => g.number(1, cx),
            1 => {
                let dom = g.helper_domain();
                g.sym_typed(dom, 0, cx)
            }
            2 => g.string(1, cx),
            3 => g.list_str(cx),
            _ => g.boolean(1, cx),
        };
        parts.push(format!("{{{expr}}}"));
        parts.push(c.pick(WORDS).to_string());
    }
    format!("\"{}\"", parts.join(" "))
}

/// An outcome; the roles of a gate are added to `gate_roles`.
fn outcome(c: &mut Choices, names: &Names, gate_roles: &mut Vec<&'static str>) -> String {
    match c.weighted(&[2, 2, 3, 2]) {
        0 => "auto_approve".to_string(),
        1 => format!("notify {}", message(c, names)),
        2 => {
            let n = 1 + c.weighted(&[6, 3, 1]);
            let noun = if c.chance(50) {
                "approvals"
            } else {
                "approval"
            };
            let mut roles = c.subset(ROLES, 40);
            if roles.is_empty() {
                roles.push(c.pick(ROLES));
            }
            let mut text = format!("require {n} {noun} from {}", roles.join(", "));
            for role in roles {
                if !gate_roles.contains(&role) {
                    gate_roles.push(role);
                }
            }
            if c.chance(60) {
                text.push_str(&format!(" within {}", c.pick(WINDOWS)));
            }
            if c.chance(25) {
                text.push_str(" humans_only");
            }
            if c.chance(15) {
                let mut caps = c.subset(CAPS, 50);
                if caps.is_empty() {
                    caps.push(c.pick(CAPS));
                }
                text.push_str(&format!(" scope {}", caps.join(", ")));
            }
            text
        }
        _ => format!("block {}", message(c, names)),
    }
}
