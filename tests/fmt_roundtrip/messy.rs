//! A deliberately messy printer: valid gavel, laid out as badly as the grammar allows.
//!
//! Every choice (spacing, comments, optional punctuation, spelling of numbers) is taken from a
//! noise vector that proptest generates and shrinks. Parentheses are added conservatively:
//! wherever an operand is looser than its slot, or could swallow what follows it. Extra
//! parentheses are fine: they become `Paren` nodes that the formatter must keep.

use gavel::ast::{
    Expr, ExprKind, FileFilter, HaltClause, Item, ItemKind, LicenseClause, OutcomeKind, PolicyFile,
    Quantifier, Requirement, RiskDecl, StrLit,
};

/// Binding levels, loosest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Or,
    And,
    Not,
    Compare,
    Sum,
    Product,
    Unary,
    Primary,
}

/// What follows an operand: `and`/`or` (which `not` and `where` never take), or a tighter
/// operator (which they do).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Follow {
    Closed,
    AndOr,
    Tight,
}

fn prec(e: &Expr) -> Prec {
    match &e.kind {
        ExprKind::Or(_) => Prec::Or,
        ExprKind::And(_) => Prec::And,
        ExprKind::Not(_) => Prec::Not,
        ExprKind::Compare { .. } | ExprKind::StrOp { .. } => Prec::Compare,
        ExprKind::Arith {
            op: gavel::ast::ArithOp::Mul,
            ..
        } => Prec::Product,
        ExprKind::Arith { .. } => Prec::Sum,
        ExprKind::Neg(_) => Prec::Unary,
        ExprKind::Number(n) if n.raw() < 0 => Prec::Unary,
        _ => Prec::Primary,
    }
}

/// Whether `e`'s text could take a following operator into itself.
fn swallows(e: &Expr, follow: Follow) -> bool {
    match &e.kind {
        _ if follow == Follow::Closed => false,
        ExprKind::If { .. } => true,
        ExprKind::Not(x) => follow == Follow::Tight || swallows(x, follow),
        ExprKind::Quantifier {
            filter: FileFilter::Where(c),
            ..
        }
        | ExprKind::CountFiles(FileFilter::Where(c)) => {
            follow == Follow::Tight || swallows(c, follow)
        }
        ExprKind::Neg(x) => swallows(x, follow),
        ExprKind::Arith { rhs, .. }
        | ExprKind::Compare { rhs, .. }
        | ExprKind::StrOp { rhs, .. } => swallows(rhs, follow),
        ExprKind::And(ops) | ExprKind::Or(ops) => ops.last().is_some_and(|l| swallows(l, follow)),
        _ => false,
    }
}

/// Whether `e`'s text starts with the word `any` (which `x in` would read as its modifier).
fn starts_with_any(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Quantifier {
            quantifier: Quantifier::Any,
            ..
        } => true,
        ExprKind::Arith { lhs, .. }
        | ExprKind::Compare { lhs, .. }
        | ExprKind::StrOp { lhs, .. } => starts_with_any(lhs),
        ExprKind::And(ops) | ExprKind::Or(ops) => ops.first().is_some_and(starts_with_any),
        _ => false,
    }
}

/// Comment texts, some with characters a naive scanner would trip on.
const COMMENTS: &[&str] = &[
    "# note",
    "#tight",
    "# \"quoted\" and /slashes/ # and another hash",
    "#",
    "#   spaced   out",
    "# rule r { when x then block \"y\" }",
];

/// Writes messy text; see the module documentation.
pub struct Messy {
    out: String,
    noise: Vec<u8>,
    at: usize,
    comments: Vec<String>,
    /// Set to print the next token without a separator before it.
    glued: bool,
}

impl Messy {
    pub fn new(noise: Vec<u8>) -> Self {
        Messy {
            out: String::new(),
            noise,
            at: 0,
            comments: Vec::new(),
            glued: false,
        }
    }

    /// The text, and the comments written into it (sorted, as found in the text).
    pub fn finish(mut self) -> (String, Vec<String>) {
        self.sep(false);
        self.comments.sort();
        (self.out, self.comments)
    }

    fn roll(&mut self, sides: u8) -> u8 {
        let byte = self.noise.get(self.at % self.noise.len().max(1)).copied();
        self.at += 1;
        // Mix in the position so a short noise vector does not repeat one choice forever.
        let mixed = byte
            .unwrap_or(0)
            .wrapping_add((self.at as u8).wrapping_mul(37));
        mixed % sides
    }

    fn comment(&mut self) -> String {
        let i = self.roll(COMMENTS.len() as u8) as usize;
        let text = COMMENTS.get(i).copied().unwrap_or("#");
        self.comments.push(text.to_string());
        text.to_string()
    }

    /// Whitespace (or a comment) between two tokens. `comments` is false where the parser
    /// cannot take a comment (inside `list<..>`).
    fn sep(&mut self, comments: bool) {
        match self.roll(16) {
            0..=5 => self.out.push(' '),
            6 => self.out.push_str("   "),
            7 => self.out.push('\n'),
            8 => self.out.push_str("\n\n\n  "),
            9 => self.out.push('\t'),
            10 => self.out.push_str(" \r\n"),
            11 if comments => {
                let c = self.comment();
                self.out.push_str(&format!(" {c}\n"));
            }
            12 if comments => {
                let c = self.comment();
                self.out.push_str(&format!("\n  {c}   \n\n"));
            }
            13 if comments => {
                let c = self.comment();
                self.out.push_str(&format!("\n{c}\n"));
            }
            _ => self.out.push(' '),
        }
    }

    fn tok(&mut self, token: &str) {
        if self.glued {
            self.glued = false;
        } else {
            self.sep(true);
        }
        self.out.push_str(token);
    }

    fn tok_no_comment(&mut self, token: &str) {
        self.sep(false);
        self.out.push_str(token);
    }

    fn string(&mut self, s: &StrLit) {
        self.tok(&format!("\"{}\"", s.raw));
    }

    fn names(&mut self, ids: &[gavel::ast::Ident]) {
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.tok(",");
            }
            self.tok(&id.value);
        }
    }

    pub fn file(&mut self, file: &PolicyFile) {
        for item in &file.items {
            self.item(item);
        }
    }

    fn item(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::Policy(s) => {
                self.tok("policy");
                self.string(s);
            }
            ItemKind::Environments(envs) => {
                self.tok("environments");
                for (i, env) in envs.iter().enumerate() {
                    if i > 0 {
                        self.tok("->");
                    }
                    self.tok(&env.value);
                }
            }
            ItemKind::Roles(ids) => {
                self.tok("roles");
                self.names(ids);
            }
            ItemKind::Actions(ids) => {
                self.tok("actions");
                self.names(ids);
            }
            ItemKind::Kinds(ids) => {
                self.tok("kinds");
                self.names(ids);
            }
            ItemKind::Approver(a) => {
                self.tok("approver");
                self.string(&a.id);
                self.tok("roles");
                self.names(&a.roles);
                if a.agent.is_some() {
                    self.tok("agent");
                }
                if let Some(key) = &a.key {
                    self.tok("key");
                    self.string(key);
                }
            }
            ItemKind::Signer(s) => {
                self.tok("signer");
                self.string(&s.name);
                self.tok("key");
                self.string(&s.key);
            }
            ItemKind::Paths(p) => {
                self.tok("paths");
                self.tok(&p.name.value);
                self.tok("[");
                for pattern in &p.patterns {
                    self.string(pattern);
                    if self.roll(2) == 0 {
                        self.tok(",");
                    }
                }
                self.tok("]");
            }
            ItemKind::Attribute(a) => {
                self.tok("attribute");
                let dotted: Vec<&str> = a.name.iter().map(|n| n.value.as_str()).collect();
                self.tok(&dotted.join("."));
                self.tok(":");
                let ty = a.ty.value.as_str();
                match ty.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
                    Some(inner) => {
                        self.tok("list");
                        self.tok_no_comment("<");
                        self.tok_no_comment(inner);
                        self.tok_no_comment(">");
                    }
                    None => self.tok(ty),
                }
                if let Some(default) = &a.default {
                    self.tok("=");
                    self.expr(default, Prec::Primary, Follow::Closed);
                }
            }
            ItemKind::Let(l) => {
                self.tok("let");
                self.tok(&l.name.value);
                self.tok("=");
                self.expr(&l.value, Prec::Or, Follow::Closed);
            }
            ItemKind::Risk(r) => self.risk(r),
            ItemKind::LicenseAuthority(key) => {
                self.tok("license");
                self.tok("authority");
                self.tok("key");
                self.string(key);
            }
            ItemKind::License(l) => {
                self.tok("license");
                self.tok(&l.name.value);
                self.tok("{");
                for clause in &l.clauses {
                    match clause {
                        LicenseClause::Environments(ids) => {
                            self.tok("environments");
                            self.names(ids);
                        }
                        LicenseClause::Features(ids) => {
                            self.tok("features");
                            self.names(ids);
                        }
                        LicenseClause::Limit {
                            counter,
                            max,
                            actions,
                        } => {
                            self.tok("limit");
                            self.tok(&counter.value);
                            self.tok(&max.value.to_string());
                            if !actions.is_empty() {
                                self.tok("for");
                                self.names(actions);
                            }
                        }
                    }
                }
                self.tok("}");
            }
            ItemKind::Default(o) => {
                self.tok("default");
                self.outcome(&o.kind);
            }
            ItemKind::Rule(r) => {
                self.tok("rule");
                self.tok(&r.name.value);
                if let Some(title) = &r.title {
                    self.string(title);
                }
                self.tok("{");
                self.tok("when");
                self.expr(&r.condition, Prec::Or, Follow::Closed);
                self.tok("then");
                self.outcome(&r.outcome.kind);
                self.tok("}");
            }
            ItemKind::Halt(h) => {
                self.tok("halt");
                self.tok("{");
                for clause in &h.clauses {
                    match clause {
                        HaltClause::By { roles, humans_only } => {
                            self.tok("by");
                            self.names(roles);
                            if *humans_only {
                                self.tok("humans_only");
                            }
                        }
                        HaltClause::ResumeBy { roles, humans_only } => {
                            self.tok("resume");
                            self.tok("by");
                            self.names(roles);
                            if *humans_only {
                                self.tok("humans_only");
                            }
                        }
                        HaltClause::ResumeRequire(r) => {
                            self.tok("resume");
                            self.requirement(r);
                        }
                    }
                }
                self.tok("}");
            }
            ItemKind::Override(ids) => {
                self.tok("override");
                self.tok("by");
                self.names(ids);
            }
        }
    }

    fn risk(&mut self, r: &RiskDecl) {
        self.tok("risk");
        self.tok("{");
        // Each weight is rendered ahead, to know whether the factor before needs its `;`.
        let weights: Vec<String> = r
            .factors
            .iter()
            .map(|f| {
                let saved = std::mem::take(&mut self.out);
                self.glued = true;
                self.expr(&f.weight, Prec::Or, Follow::Closed);
                std::mem::replace(&mut self.out, saved)
            })
            .collect();
        for (i, factor) in r.factors.iter().enumerate() {
            self.tok(weights.get(i).map_or("", String::as_str));
            self.tok("when");
            self.expr(&factor.condition, Prec::Or, Follow::Closed);
            if let Some(label) = &factor.label {
                self.tok("as");
                self.string(label);
            }
            let next_is_risky = weights
                .get(i + 1)
                .is_some_and(|w| w.starts_with(['-', '(']));
            if (next_is_risky && factor.label.is_none()) || self.roll(3) == 0 {
                self.tok(";");
            }
        }
        if !r.levels.is_empty() {
            self.tok("levels");
            self.tok("{");
            for (i, level) in r.levels.iter().enumerate() {
                if i > 0 {
                    self.tok(",");
                }
                self.tok(&level.name.value);
                if let Some(t) = &level.threshold {
                    self.tok(">=");
                    let text = self.number_text(t.value.to_string());
                    self.tok(&text);
                }
            }
            if self.roll(2) == 0 {
                self.tok(",");
            }
            self.tok("}");
        }
        self.tok("}");
    }

    fn outcome(&mut self, o: &OutcomeKind) {
        match o {
            OutcomeKind::AutoApprove => self.tok("auto_approve"),
            OutcomeKind::Notify(s) => {
                self.tok("notify");
                self.string(s);
            }
            OutcomeKind::Block(s) => {
                self.tok("block");
                self.string(s);
            }
            OutcomeKind::Require(r) => self.requirement(r),
        }
    }

    fn requirement(&mut self, r: &Requirement) {
        self.tok("require");
        self.tok(&r.count.value.to_string());
        let noun = if self.roll(2) == 0 {
            "approval"
        } else {
            "approvals"
        };
        self.tok(noun);
        self.tok("from");
        self.names(&r.roles);
        // Options in a random order.
        let mut options = [0, 1, 2];
        let shift = self.roll(3) as usize;
        options.rotate_left(shift);
        if self.roll(2) == 0 {
            options.reverse();
        }
        for option in options {
            match option {
                0 => {
                    if let Some(within) = &r.within {
                        self.tok("within");
                        let text = self.duration_text(within.value.seconds());
                        self.tok(&text);
                    }
                }
                1 => {
                    if r.humans_only.is_some() {
                        self.tok("humans_only");
                    }
                }
                _ => {
                    if !r.scope.is_empty() {
                        self.tok("scope");
                        self.names(&r.scope);
                    }
                }
            }
        }
    }

    fn duration_text(&mut self, seconds: u64) -> String {
        match self.roll(3) {
            0 => format!("{seconds}s"),
            1 if seconds.is_multiple_of(60) => format!("{}m", seconds / 60),
            _ => gavel::number::Duration::from_seconds(seconds).to_string(),
        }
    }

    /// A non-negative number in one of its spellings (`7`, `007`, `7.0`, `0.50`).
    fn number_text(&self, canonical: String) -> String {
        let variant = self.at % 4;
        match variant {
            0 => format!("00{canonical}"),
            1 if !canonical.contains('.') => format!("{canonical}.0"),
            2 if canonical.contains('.') => format!("{canonical}0"),
            _ => canonical,
        }
    }

    /// Prints `e` in a slot taking `min` or tighter, followed by `follow`.
    fn expr(&mut self, e: &Expr, min: Prec, follow: Follow) {
        if prec(e) < min || swallows(e, follow) {
            self.tok("(");
            self.expr(e, Prec::Or, Follow::Closed);
            self.tok(")");
            return;
        }
        match &e.kind {
            ExprKind::Bool(b) => self.tok(if *b { "true" } else { "false" }),
            ExprKind::Number(n) => {
                if n.raw() < 0 {
                    self.tok("-");
                    let magnitude = n.to_string().trim_start_matches('-').to_string();
                    let text = self.number_text(magnitude);
                    self.tok(&text);
                } else {
                    let text = self.number_text(n.to_string());
                    self.tok(&text);
                }
            }
            ExprKind::String(s) => self.string(s),
            ExprKind::Regex(r) => {
                self.tok(&format!("/{}/{}", r.pattern.replace('/', "\\/"), r.flags));
            }
            ExprKind::List(items) => {
                self.tok("[");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.tok(",");
                    }
                    self.expr(item, Prec::Or, Follow::Closed);
                }
                if !items.is_empty() && self.roll(3) == 0 {
                    self.tok(",");
                }
                self.tok("]");
            }
            ExprKind::Ref(parts) => {
                let path: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
                self.tok(&path.join("."));
            }
            ExprKind::Call { func, args } => {
                self.tok(&func.value);
                self.tok("(");
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        self.tok(",");
                    }
                    self.expr(arg, Prec::Or, Follow::Closed);
                }
                self.tok(")");
            }
            ExprKind::Neg(x) => {
                self.tok("-");
                self.expr(x, Prec::Unary, follow);
            }
            ExprKind::Arith { op, lhs, rhs } => {
                let own = prec(e);
                self.expr(lhs, own, Follow::Tight);
                self.tok(op.symbol());
                let tighter = if own == Prec::Sum {
                    Prec::Product
                } else {
                    Prec::Unary
                };
                self.expr(rhs, tighter, follow);
            }
            ExprKind::Compare { op, lhs, rhs } => {
                self.expr(lhs, Prec::Sum, Follow::Tight);
                self.tok(op.symbol());
                self.expr(rhs, Prec::Sum, follow);
            }
            ExprKind::StrOp { op, any, lhs, rhs } => {
                self.expr(lhs, Prec::Sum, Follow::Tight);
                self.tok(op.keyword());
                if *any {
                    self.tok("any");
                }
                if !*any && starts_with_any(rhs) {
                    self.tok("(");
                    self.expr(rhs, Prec::Or, Follow::Closed);
                    self.tok(")");
                } else {
                    self.expr(rhs, Prec::Sum, follow);
                }
            }
            ExprKind::Not(x) => {
                self.tok("not");
                self.expr(x, Prec::Not, follow);
            }
            ExprKind::And(ops) | ExprKind::Or(ops) => {
                let (keyword, operand) = match &e.kind {
                    ExprKind::And(_) => ("and", Prec::Not),
                    _ => ("or", Prec::And),
                };
                for (i, op) in ops.iter().enumerate() {
                    if i > 0 {
                        self.tok(keyword);
                    }
                    let last = i + 1 == ops.len();
                    self.expr(op, operand, if last { follow } else { Follow::AndOr });
                }
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.tok("if");
                self.expr(cond, Prec::Or, Follow::Closed);
                self.tok("then");
                self.expr(then, Prec::Or, Follow::Closed);
                self.tok("else");
                self.expr(otherwise, Prec::Or, Follow::Closed);
            }
            ExprKind::Quantifier { quantifier, filter } => {
                self.tok(quantifier.keyword());
                self.file_word();
                self.filter(filter, follow);
            }
            ExprKind::CountFiles(filter) => {
                self.tok("count");
                self.file_word();
                self.filter(filter, follow);
            }
            ExprKind::ActorIs(kind) => {
                self.tok("actor");
                self.tok("is");
                self.tok(&kind.value);
            }
            ExprKind::ActorHasRole(role) => {
                self.tok("actor");
                self.tok("has");
                self.tok("role");
                self.tok(&role.value);
            }
            ExprKind::Paren(inner) => {
                self.tok("(");
                self.expr(inner, Prec::Or, Follow::Closed);
                self.tok(")");
            }
        }
    }

    fn file_word(&mut self) {
        let word = if self.roll(2) == 0 { "file" } else { "files" };
        self.tok(word);
    }

    fn filter(&mut self, filter: &FileFilter, follow: Follow) {
        match filter {
            FileFilter::InSet(set) => {
                self.tok("in");
                self.tok(&set.value);
            }
            FileFilter::MatchesGlob(glob) => {
                self.tok("matches");
                self.string(glob);
            }
            FileFilter::MatchesRegex(r) => {
                self.tok("matches");
                self.tok(&format!("/{}/{}", r.pattern.replace('/', "\\/"), r.flags));
            }
            FileFilter::Where(cond) => {
                self.tok("where");
                self.expr(cond, Prec::Not, follow);
            }
        }
    }
}
