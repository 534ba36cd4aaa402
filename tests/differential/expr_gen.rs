//! A generator of expressions of a requested type that always type-check.
//!
//! Each function returns source text for an expression of one type (`boolean`, `number`,
//! `string`, a symbol of one domain, a list of strings) over what the policy declared so far:
//! attributes, path sets, earlier helpers, risk levels. Composite expressions are wrapped in
//! parentheses so that the text parses as the tree that was generated.
//!
//! What makes a generated expression check, besides types:
//! - A bare symbol (`prod`, `major`) only means something when the other operand names its
//!   domain, so `sym_typed` (a fact, a helper, or an `if` whose `then` branch is typed) always
//!   sits on one side of a comparison, and literals only on the other side or in `else`.
//! - Per-file facts (`path`, `added`, `status`...) and per-file helpers only inside `where`
//!   or a per-file helper body; quantifiers and counts never there.
//! - Nothing reading `risk` inside the risk block.
//! - Message interpolations (`{...}` inside a `"..."`) contain no quotes at all, so no string
//!   literals, globs or regexes there (`Cx::no_quotes`).
//! - A helper body never holds a `where` filter: the checker counts per-file facts read inside
//!   a `where` as making the helper per-file, and a per-file helper may not quantify.

use super::choices::Choices;
use super::policy_gen::ROLES;

/// Closed domains of symbols.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dom {
    Env,
    Action,
    Kind,
    Version,
    Mode,
    Level,
    Status,
    ActorKind,
}

impl Dom {
    fn ordered(self) -> bool {
        matches!(self, Dom::Env | Dom::Version | Dom::Level)
    }
}

/// Expression types the generator produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Bool,
    Num,
    Str,
    Sym(Dom),
    ListStr,
}

/// Declared attribute types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrTy {
    Str,
    Num,
    Bool,
    ListStr,
}

/// A declared attribute.
#[derive(Clone, Debug)]
pub struct Attr {
    pub name: &'static str,
    pub ty: AttrTy,
    /// The default as written in the policy, if any.
    pub default: Option<&'static str>,
}

/// A declared `let` helper.
#[derive(Clone, Debug)]
pub struct Helper {
    pub name: String,
    pub ty: Ty,
    /// Meant to read per-file facts: only used inside `where`.
    pub per_file: bool,
    pub reads_risk: bool,
}

/// Where the expression being generated sits.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cx {
    pub in_where: bool,
    pub file_helper: bool,
    pub in_helper: bool,
    pub in_risk: bool,
    pub no_quotes: bool,
}

impl Cx {
    fn file_facts(self) -> bool {
        self.in_where || self.file_helper
    }

    fn quantifiers(self) -> bool {
        !self.file_facts()
    }
}

/// The names a policy declares, as far as expressions see them.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub roles: Vec<&'static str>,
    pub attrs: Vec<Attr>,
    pub sets: Vec<String>,
    pub helpers: Vec<Helper>,
    /// Declared highest first.
    pub levels: Vec<&'static str>,
    pub has_risk: bool,
    pub custom_action: Option<&'static str>,
    pub custom_kind: Option<&'static str>,
    pub from_environment: bool,
    /// The policy declares no environments (then no environment symbol exists, and a rule
    /// reading `environment` fails on every request).
    pub no_environments: bool,
}

pub const ENVIRONMENTS: &[&str] = &["dev", "staging", "prod"];
/// The language's own symbol lists, so generated policies track the language.
pub use gavel::checked::{BUILTIN_ACTIONS, BUILTIN_KINDS, VERSIONS};
pub const STATUSES: &[&str] = &["added", "modified", "deleted", "renamed"];

/// Strings written in policies: path-like, case variants, and the empty string.
const STRINGS: &[&str] = &[
    "",
    "a",
    "b",
    "src",
    "docs",
    "src/a",
    "docs/x.py",
    ".env",
    "A",
    "SRC/X.PY",
    "x.py",
    "a/b",
    "src/",
    "/",
    "admin",
];
/// Items of list literals.
const LIST_ITEMS: &[&str] = &[
    "a", "src", "src/", "docs/", ".py", "admin", "lead", "x", "", ".env",
];
const SMALL_NUMBERS: &[&str] = &[
    "0", "1", "2", "3", "5", "10", "50", "100", "0.5", "1.25", "0.000001", "1000000",
];
/// Near the top of the number range (about ±9.2·10^12): products and sums overflow.
const HUGE_NUMBERS: &[&str] = &["9000000000000", "4611686", "9223372036854"];
const REGEXES: &[&str] = &[
    r"^src\/",
    r"\.py$",
    r"^docs\/.*",
    "a|b",
    "^[ab]+$",
    r"x\.py",
    r"^\.env",
    r"\/",
    "^$",
    "SRC",
    "(?i)src",
    "b",
];
/// Pieces of glob segments.
const GLOB_PIECES: &[&str] = &[
    "a",
    "b",
    "src",
    "docs",
    ".env",
    "x.py",
    "*",
    "?",
    "[ab]",
    "{a,b}",
    "*.py",
    ".env*",
    "{src,docs}",
    "[!a]",
    "x.?y",
];
const COMPARE: &[&str] = &["==", "!=", "<", "<=", ">", ">="];
const EQUALITY: &[&str] = &["==", "!="];
const STR_TESTS: &[&str] = &["contains", "starts_with", "ends_with"];
const QUANTIFIERS: &[&str] = &["any", "all", "no"];

/// A glob from the small alphabet that `gavel::glob::validate` accepts.
pub fn glob(c: &mut Choices) -> String {
    for _ in 0..8 {
        let segments = 1 + c.below(3);
        let mut parts = Vec::new();
        for _ in 0..segments {
            if c.chance(20) {
                parts.push("**".to_string());
                continue;
            }
            let pieces = if c.chance(30) { 2 } else { 1 };
            let mut segment = String::new();
            for _ in 0..pieces {
                segment.push_str(c.pick(GLOB_PIECES));
            }
            parts.push(segment);
        }
        let glob = parts.join("/");
        if gavel::glob::validate(&glob).is_ok() {
            return glob;
        }
    }
    "a".to_string()
}

/// Generates expressions over `names`.
pub struct ExprGen<'a> {
    pub c: &'a mut Choices,
    pub names: &'a Names,
    /// Set once a generated expression read `risk` or `risk.level`.
    pub read_risk: bool,
}

impl<'a> ExprGen<'a> {
    pub fn new(c: &'a mut Choices, names: &'a Names) -> Self {
        ExprGen {
            c,
            names,
            read_risk: false,
        }
    }

    /// An expression of type `ty`, at most `d` operators deep.
    pub fn expr(&mut self, ty: Ty, d: u32, cx: Cx) -> String {
        match ty {
            Ty::Bool => self.boolean(d, cx),
            Ty::Num => self.number(d, cx),
            Ty::Str => self.string(d, cx),
            Ty::Sym(dom) => self.sym_typed(dom, d, cx),
            Ty::ListStr => self.list_str(cx),
        }
    }

    /// Helpers of type `ty` usable here.
    fn helpers(&self, ty: Ty, cx: Cx) -> Vec<usize> {
        let names = self.names;
        names
            .helpers
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                h.ty == ty && (!h.per_file || cx.file_facts()) && (!h.reads_risk || !cx.in_risk)
            })
            .map(|(i, _)| i)
            .collect()
    }

    fn use_helper(&mut self, ids: &[usize]) -> String {
        let names = self.names;
        let helper = &names.helpers[self.c.pick(ids)];
        self.read_risk |= helper.reads_risk;
        helper.name.clone()
    }

    fn attrs(&self, ty: AttrTy) -> Vec<&'static str> {
        self.names
            .attrs
            .iter()
            .filter(|a| a.ty == ty)
            .map(|a| a.name)
            .collect()
    }

    fn weight_if(available: bool, weight: u32) -> u32 {
        if available { weight } else { 0 }
    }

    // ---- booleans ------------------------------------------------------------------

    pub fn boolean(&mut self, d: u32, cx: Cx) -> String {
        if d == 0 {
            return self.bool_leaf(cx);
        }
        let e = d - 1;
        let quotes = Self::weight_if(!cx.no_quotes, 2);
        let quantifiers = Self::weight_if(cx.quantifiers(), 3);
        match self
            .c
            .weighted(&[2, 4, 3, 1, 1, 3, 1, 1, 2, 2, quotes, 1, quantifiers])
        {
            0 => self.bool_leaf(cx),
            1 => {
                let op = self.c.pick(COMPARE);
                format!("({} {op} {})", self.number(e, cx), self.number(e, cx))
            }
            2 => self.compare_symbols(e, cx),
            3 => {
                let op = self.c.pick(EQUALITY);
                format!("({} {op} {})", self.string(e, cx), self.string(e, cx))
            }
            4 => {
                let op = self.c.pick(EQUALITY);
                format!("({} {op} {})", self.boolean(e, cx), self.boolean(e, cx))
            }
            5 => {
                let joiner = if self.c.chance(50) { " or " } else { " and " };
                let n = 2 + self.c.below(2);
                let items: Vec<String> = (0..n).map(|_| self.boolean(e, cx)).collect();
                format!("({})", items.join(joiner))
            }
            6 => format!("(not {})", self.boolean(e, cx)),
            7 => format!(
                "(if {} then {} else {})",
                self.boolean(e, cx),
                self.boolean(e, cx),
                self.boolean(e, cx)
            ),
            8 => {
                let s = self.string(e, cx);
                let op = self.c.pick(STR_TESTS);
                if self.c.chance(35) {
                    format!("({s} {op} any {})", self.list_str(cx))
                } else {
                    format!("({s} {op} {})", self.string(e, cx))
                }
            }
            9 => self.membership(e, cx),
            10 => self.matches(e, cx),
            11 => {
                let set = self.set();
                format!("({} in {set})", self.string(e, cx))
            }
            _ => self.quantifier(e.max(1), cx),
        }
    }

    fn bool_leaf(&mut self, cx: Cx) -> String {
        let attrs = self.attrs(AttrTy::Bool);
        let helpers = self.helpers(Ty::Bool, cx);
        match self.c.weighted(&[
            1,
            2,
            2,
            Self::weight_if(!attrs.is_empty(), 2),
            Self::weight_if(!helpers.is_empty(), 2),
            3,
            Self::weight_if(cx.quantifiers(), 3),
            Self::weight_if(cx.file_facts(), 3),
        ]) {
            0 => self.c.pick(&["true", "false"]).to_string(),
            1 => format!("(actor is {})", self.c.pick(&["human", "agent", "service"])),
            2 => format!("(actor has role {})", self.c.pick(&self.names.roles)),
            3 => format!("attr.{}", self.c.pick(&attrs)),
            4 => self.use_helper(&helpers),
            5 => {
                let op = self.c.pick(COMPARE);
                format!("({} {op} {})", self.num_leaf(cx), self.num_leaf(cx))
            }
            6 => self.quantifier(0, cx),
            _ => match self.c.below(4) {
                0 => format!("(path in {})", self.set()),
                1 => format!(
                    "(status {} {})",
                    self.c.pick(EQUALITY),
                    self.sym_literal(Dom::Status, cx)
                ),
                2 => format!(
                    "({} {} {})",
                    self.c.pick(&["added", "removed", "changed"]),
                    self.c.pick(COMPARE),
                    self.c.pick(SMALL_NUMBERS)
                ),
                _ if cx.no_quotes => format!("(path in {})", self.set()),
                _ => format!("(path matches \"{}\")", glob(self.c)),
            },
        }
    }

    fn set(&mut self) -> String {
        let names = self.names;
        names.sets[self.c.below(names.sets.len())].clone()
    }

    /// `any/all/no file(s) FILTER`; `d` bounds a `where` condition.
    fn quantifier(&mut self, d: u32, cx: Cx) -> String {
        let q = self.c.pick(QUANTIFIERS);
        let noun = if self.c.chance(50) { "files" } else { "file" };
        format!("({q} {noun} {})", self.filter(d, cx))
    }

    fn filter(&mut self, d: u32, cx: Cx) -> String {
        let quotes = Self::weight_if(!cx.no_quotes, 2);
        let regex = Self::weight_if(!cx.no_quotes, 1);
        let wheres = Self::weight_if(!cx.in_helper && d > 0, 3);
        match self.c.weighted(&[3, quotes, regex, wheres]) {
            0 => format!("in {}", self.set()),
            1 => format!("matches \"{}\"", glob(self.c)),
            2 => format!("matches {}", self.regex()),
            _ => {
                let inner = Cx {
                    in_where: true,
                    ..cx
                };
                format!("where {}", self.where_condition(d, inner))
            }
        }
    }

    /// A `where` condition: parenthesized so that it stays one operand.
    fn where_condition(&mut self, d: u32, cx: Cx) -> String {
        let condition = self.boolean(d, cx);
        if condition.starts_with('(') {
            condition
        } else {
            format!("({condition})")
        }
    }

    fn regex(&mut self) -> String {
        let flags = if self.c.chance(20) { "i" } else { "" };
        format!("/{}/{flags}", self.c.pick(REGEXES))
    }

    fn matches(&mut self, e: u32, cx: Cx) -> String {
        let s = self.string(e, cx);
        match self.c.weighted(&[3, 2, 1, 1]) {
            0 => format!("({s} matches \"{}\")", glob(self.c)),
            1 => format!("({s} matches {})", self.regex()),
            2 => {
                let n = 1 + self.c.below(3);
                let globs: Vec<String> = (0..n).map(|_| format!("\"{}\"", glob(self.c))).collect();
                format!("({s} matches any [{}])", globs.join(", "))
            }
            _ => {
                let n = 1 + self.c.below(3);
                let regexes: Vec<String> = (0..n).map(|_| self.regex()).collect();
                format!("({s} matches any [{}])", regexes.join(", "))
            }
        }
    }

    /// A string and a list of strings to look for it in. A literal looked for in
    /// `actor.roles` names a declared role, as the checker requires (E0021).
    fn member_of_list(&mut self, e: u32, cx: Cx) -> (String, String) {
        let value = self.string(e, cx);
        let list = self.list_str(cx);
        let literal = value.len() >= 2 && value.starts_with('"') && value.ends_with('"');
        if list == "actor.roles" && literal {
            return (format!("\"{}\"", self.c.pick(ROLES)), list);
        }
        (value, list)
    }

    fn membership(&mut self, e: u32, cx: Cx) -> String {
        match self.c.weighted(&[3, 2, 2, 1, 2]) {
            0 => {
                let (value, list) = self.member_of_list(e, cx);
                format!("({value} in {list})")
            }
            1 => {
                let (value, list) = self.member_of_list(e, cx);
                format!("({list} contains {value})")
            }
            2 => {
                let items = self.c.subset(SMALL_NUMBERS, 25);
                format!("({} in [{}])", self.number(e, cx), items.join(", "))
            }
            3 => {
                let items = self.c.subset(&["true", "false"], 50);
                format!("({} in [{}])", self.boolean(e, cx), items.join(", "))
            }
            _ => {
                let dom = self.domain(cx);
                let typed = self.sym_typed(dom, e, cx);
                let n = if self.members(dom).is_empty() {
                    0
                } else {
                    self.c.below(4)
                };
                let items: Vec<String> = (0..n).map(|_| self.sym_literal(dom, cx)).collect();
                format!("({typed} in [{}])", items.join(", "))
            }
        }
    }

    // ---- symbols --------------------------------------------------------------------

    /// A domain usable here.
    fn domain(&mut self, cx: Cx) -> Dom {
        let levels = !self.names.levels.is_empty() && !cx.in_risk;
        let all = [
            // Reading `environment` without declared environments is a compile error.
            (Dom::Env, Self::weight_if(!self.names.no_environments, 4)),
            (Dom::Action, 2),
            (Dom::Kind, 1),
            (Dom::Version, 2),
            (Dom::Mode, 1),
            (Dom::ActorKind, 1),
            (Dom::Level, Self::weight_if(levels, 2)),
            (Dom::Status, Self::weight_if(cx.file_facts(), 3)),
        ];
        let weights: Vec<u32> = all.iter().map(|(_, w)| *w).collect();
        all[self.c.weighted(&weights)].0
    }

    /// A domain usable by a request-level helper.
    pub fn helper_domain(&mut self) -> Dom {
        self.domain(Cx::default())
    }

    fn compare_symbols(&mut self, e: u32, cx: Cx) -> String {
        let dom = self.domain(cx);
        let op = if dom.ordered() {
            self.c.pick(COMPARE)
        } else {
            self.c.pick(EQUALITY)
        };
        let typed = self.sym_typed(dom, e, cx);
        let other = if self.c.chance(50) {
            self.sym_literal(dom, cx)
        } else {
            self.sym_typed(dom, e, cx)
        };
        // The typed side lets a bare symbol on the other side resolve, on either side.
        if self.c.chance(30) {
            format!("({other} {op} {typed})")
        } else {
            format!("({typed} {op} {other})")
        }
    }

    fn members(&self, dom: Dom) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = match dom {
            Dom::Env if self.names.no_environments => Vec::new(),
            Dom::Env => ENVIRONMENTS.to_vec(),
            Dom::Action => BUILTIN_ACTIONS.to_vec(),
            Dom::Kind => BUILTIN_KINDS.to_vec(),
            Dom::Version => VERSIONS.to_vec(),
            Dom::Mode => vec!["execute", "dry_run"],
            Dom::Level => self.names.levels.clone(),
            Dom::Status => STATUSES.to_vec(),
            Dom::ActorKind => vec!["human", "agent", "service"],
        };
        match dom {
            Dom::Action => out.extend(self.names.custom_action),
            Dom::Kind => out.extend(self.names.custom_kind),
            _ => {}
        }
        out
    }

    /// A member of `dom`, bare or quoted. `added` is always quoted (bare, it is the per-file
    /// fact); nothing is quoted inside a message interpolation. A domain without members
    /// (environments, when none are declared) gets its fact instead.
    fn sym_literal(&mut self, dom: Dom, cx: Cx) -> String {
        let mut members = self.members(dom);
        if cx.no_quotes && dom == Dom::Status {
            members.retain(|m| *m != "added");
        }
        if members.is_empty() {
            return self.sym_fact(dom);
        }
        let name = self.c.pick(&members);
        let must_quote = dom == Dom::Status && name == "added";
        if must_quote || (!cx.no_quotes && self.c.chance(40)) {
            format!("\"{name}\"")
        } else {
            name.to_string()
        }
    }

    /// An expression of domain `dom` whose type is known without context.
    pub fn sym_typed(&mut self, dom: Dom, d: u32, cx: Cx) -> String {
        let helpers = self.helpers(Ty::Sym(dom), cx);
        match self.c.weighted(&[
            4,
            Self::weight_if(!helpers.is_empty(), 2),
            Self::weight_if(d > 0, 1),
        ]) {
            0 => self.sym_fact(dom),
            1 => self.use_helper(&helpers),
            _ => {
                let e = d - 1;
                let other = if self.c.chance(50) {
                    self.sym_literal(dom, cx)
                } else {
                    self.sym_typed(dom, e, cx)
                };
                format!(
                    "(if {} then {} else {other})",
                    self.boolean(e, cx),
                    self.sym_typed(dom, e, cx)
                )
            }
        }
    }

    fn sym_fact(&mut self, dom: Dom) -> String {
        match dom {
            Dom::Env if self.names.from_environment && self.c.chance(30) => "from_environment",
            Dom::Env => "environment",
            Dom::Action => "action",
            Dom::Kind => "change.kind",
            Dom::Version => "change.version",
            Dom::Mode => "mode",
            Dom::Level => {
                self.read_risk = true;
                "risk.level"
            }
            Dom::Status => "status",
            Dom::ActorKind => "actor.kind",
        }
        .to_string()
    }

    // ---- numbers --------------------------------------------------------------------

    pub fn number(&mut self, d: u32, cx: Cx) -> String {
        if d == 0 {
            return self.num_leaf(cx);
        }
        let e = d - 1;
        match self.c.weighted(&[3, 2, 2, 2, 1, 1, 1, 1]) {
            0 => self.num_leaf(cx),
            1 => format!("({} + {})", self.number(e, cx), self.number(e, cx)),
            2 => format!("({} - {})", self.number(e, cx), self.number(e, cx)),
            3 => format!("({} * {})", self.number(e, cx), self.number(e, cx)),
            4 => format!("(-{})", self.number(e, cx)),
            5 | 6 => {
                let f = if self.c.chance(50) { "min" } else { "max" };
                let n = 1 + self.c.below(3);
                let args: Vec<String> = (0..n).map(|_| self.number(e, cx)).collect();
                format!("{f}({})", args.join(", "))
            }
            _ => format!(
                "(if {} then {} else {})",
                self.boolean(e, cx),
                self.number(e, cx),
                self.number(e, cx)
            ),
        }
    }

    fn num_leaf(&mut self, cx: Cx) -> String {
        let attrs = self.attrs(AttrTy::Num);
        let helpers = self.helpers(Ty::Num, cx);
        let risk = self.names.has_risk && !cx.in_risk;
        match self.c.weighted(&[
            3,
            1,
            4,
            Self::weight_if(risk, 1),
            Self::weight_if(!attrs.is_empty(), 2),
            Self::weight_if(!helpers.is_empty(), 2),
            Self::weight_if(cx.file_facts(), 3),
            Self::weight_if(cx.quantifiers(), 2),
        ]) {
            0 => self.c.pick(SMALL_NUMBERS).to_string(),
            1 => self.c.pick(HUGE_NUMBERS).to_string(),
            2 => self
                .c
                .pick(&[
                    "lines.changed",
                    "lines.added",
                    "lines.removed",
                    "lines.net",
                    "files.count",
                    "directories.count",
                ])
                .to_string(),
            3 => {
                self.read_risk = true;
                "risk".to_string()
            }
            4 => format!("attr.{}", self.c.pick(&attrs)),
            5 => self.use_helper(&helpers),
            6 => self.c.pick(&["added", "removed", "changed"]).to_string(),
            _ => format!("(count files {})", self.filter(1, cx)),
        }
    }

    // ---- strings and lists ----------------------------------------------------------

    pub fn string(&mut self, d: u32, cx: Cx) -> String {
        if d == 0 {
            return self.str_leaf(cx);
        }
        let e = d - 1;
        match self.c.weighted(&[4, 1, 1]) {
            0 => self.str_leaf(cx),
            1 => format!("lower({})", self.string(e, cx)),
            _ => format!(
                "(if {} then {} else {})",
                self.boolean(e, cx),
                self.string(e, cx),
                self.string(e, cx)
            ),
        }
    }

    fn str_leaf(&mut self, cx: Cx) -> String {
        let attrs = self.attrs(AttrTy::Str);
        let helpers = self.helpers(Ty::Str, cx);
        match self.c.weighted(&[
            2,
            Self::weight_if(!cx.no_quotes, 3),
            Self::weight_if(!attrs.is_empty(), 2),
            Self::weight_if(!helpers.is_empty(), 2),
            Self::weight_if(cx.file_facts(), 4),
        ]) {
            0 => "actor.id".to_string(),
            1 => format!("\"{}\"", self.c.pick(STRINGS)),
            2 => format!("attr.{}", self.c.pick(&attrs)),
            3 => self.use_helper(&helpers),
            _ => "path".to_string(),
        }
    }

    pub fn list_str(&mut self, cx: Cx) -> String {
        let attrs = self.attrs(AttrTy::ListStr);
        let helpers = self.helpers(Ty::ListStr, cx);
        match self.c.weighted(&[
            2,
            Self::weight_if(!attrs.is_empty(), 2),
            Self::weight_if(!helpers.is_empty(), 1),
            Self::weight_if(!cx.no_quotes, 2),
            1,
        ]) {
            0 => "actor.roles".to_string(),
            1 => format!("attr.{}", self.c.pick(&attrs)),
            2 => self.use_helper(&helpers),
            3 => {
                let n = 1 + self.c.below(3);
                let items: Vec<String> = (0..n)
                    .map(|_| format!("\"{}\"", self.c.pick(LIST_ITEMS)))
                    .collect();
                format!("[{}]", items.join(", "))
            }
            _ => "[]".to_string(),
        }
    }
}
