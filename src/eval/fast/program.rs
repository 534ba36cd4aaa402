//! Conditions, risk weights and helpers compiled to straight-line programs.
//!
//! Most of what a policy evaluates on every decision is small arithmetic and logic over
//! request totals, attributes and path-set counts: `lines.changed > 100 and lines.changed <=
//! 200`, `if directories.count <= 1 then 0 else ... min(20, 10 + 2 * (directories.count -
//! 3))`. Walking such an expression calls a function per node — a frame, a dispatch on the
//! node's kind, a result passed back — and for a helper like `autopack`'s `cross_cutting`
//! that walk was a tenth of a whole decision. Here each such expression is compiled once,
//! with the policy, into a flat list of operations run by one loop over a small stack of
//! numbers: jumps stand for `and`, `or` and `if`, and nothing is called per node.
//!
//! What the program cannot express itself (strings, lists, per-file conditions, sets matched
//! against strings, usage counters...) it hands to the typed walks, one subexpression at a
//! time, so every expression compiles and nothing is evaluated two ways. The program
//! evaluates exactly what the walk evaluates, in the same order, with the same
//! short-circuits and the same errors; the differential tests hold the compiled evaluator,
//! programs included, to the reference interpreter.

use super::{FastEvaluator, Total};
use crate::ast::{ArithOp, CompareOp, Quantifier};
use crate::checked::{CExpr, CExprKind, CheckedPolicy, FileFilter, Scope, SetId, Type, Value};
use crate::eval::scratch::Memo;
use crate::eval::value::{EvalError, as_num, count};
use crate::number::Decimal;

/// The most values a program holds at once. An expression that needs more (a deeply
/// nested sum) is left to the walk: the stack lives in the evaluating function's frame.
const STACK_SLOTS: usize = 16;

/// An operand of an operation: a number read in place, or the value on top of the stack
/// (popped). Reading in place spares the operation that would push it: most arithmetic and
/// comparisons have a constant, a total or an attribute on one side.
#[derive(Debug, Clone, Copy)]
enum Operand {
    Const(Decimal),
    Total(Total),
    Attr(usize),
    Pop,
}

impl Operand {
    /// `expr` read in place, if it is a number that can be.
    fn of(expr: &CExpr) -> Option<Operand> {
        match &expr.kind {
            CExprKind::Lit(Value::Number(n)) => Some(Operand::Const(*n)),
            CExprKind::Fact(f) => Total::of(f).map(Operand::Total),
            CExprKind::Attr(id) if expr.ty == Type::Number => Some(Operand::Attr(*id)),
            _ => None,
        }
    }
}

/// One operation. Booleans are held on the stack as the numbers 0 and 1 (the checker has
/// typed every expression, so no operation ever meets the other kind). A plain byte tag
/// (`repr(u8)`) makes the dispatch one indexed jump, where a tag folded into a field's
/// spare values takes arithmetic to decode on every operation.
#[derive(Debug)]
#[repr(u8)]
enum Op {
    /// Pushes a number read in place (a constant, a total, an attribute), or a boolean
    /// constant as 0 or 1.
    Push(Operand),
    /// Pushes a boolean attribute.
    AttrBool(usize),
    /// Pushes a request-level numeric helper, evaluating it on first use.
    HelperNum(usize),
    /// Pushes a request-level boolean helper, evaluating it on first use.
    HelperBool(usize),
    /// Pushes `any/all/no file in SET`.
    Quantify(Quantifier, SetId),
    /// Pushes `count files in SET`.
    CountSet(SetId),
    /// Pushes `actor is KIND`.
    ActorIs(Box<str>),
    /// Negates the top.
    Neg,
    /// Pushes the sum, difference or product of two operands.
    Arith(ArithOp, Operand, Operand),
    /// Replaces the `n` top values with their least or greatest.
    MinMax { n: u32, min: bool },
    /// Pushes whether two numeric operands compare as `op` says.
    CompareNum(CompareOp, Operand, Operand),
    /// Replaces the two top booleans with whether they compare as `op` says.
    CompareBool(CompareOp),
    /// Negates the boolean on top.
    Not,
    /// `and`: a false top stays and decides (jump to the end); a true one is dropped.
    AndJump(u32),
    /// `or`: a true top stays and decides (jump to the end); a false one is dropped.
    OrJump(u32),
    /// `if`: pops the condition and jumps to the `else` branch when it is false.
    JumpUnless(u32),
    /// Jumps (from the end of a `then` branch past the `else` branch).
    Jump(u32),
    /// Pushes a boolean subexpression the walk evaluates.
    WalkBool(Box<CExpr>),
    /// Pushes a numeric subexpression the walk evaluates.
    WalkNum(Box<CExpr>),
}

/// A compiled expression.
#[derive(Debug)]
pub(crate) struct Program {
    ops: Box<[Op]>,
}

/// The programs of one policy: for each rule's condition, each risk factor's condition and
/// weight, and each request-level helper, where compiling it gains anything (`None`: the
/// walk evaluates it, as when the whole expression is one the program would hand over).
#[derive(Debug, Default)]
pub(crate) struct Programs {
    pub rules: Vec<Option<Program>>,
    pub factor_conditions: Vec<Option<Program>>,
    pub factor_weights: Vec<Option<Program>>,
    pub helpers: Vec<Option<Program>>,
}

impl Programs {
    /// Compiles every condition, weight and request-level helper of `policy`.
    pub(crate) fn new(policy: &CheckedPolicy) -> Programs {
        let factors = policy.risk.as_ref().map(|r| &r.factors[..]).unwrap_or(&[]);
        Programs {
            rules: policy
                .rules
                .iter()
                .map(|r| Program::compile(&r.condition, Type::Bool))
                .collect(),
            factor_conditions: factors
                .iter()
                .map(|f| Program::compile(&f.condition, Type::Bool))
                .collect(),
            factor_weights: factors
                .iter()
                .map(|f| Program::compile(&f.weight, Type::Number))
                .collect(),
            helpers: policy
                .helpers
                .iter()
                .map(|h| match (h.scope, h.value.ty) {
                    (Scope::Request, ty @ (Type::Bool | Type::Number)) => {
                        Program::compile(&h.value, ty)
                    }
                    _ => None,
                })
                .collect(),
        }
    }
}

impl Program {
    /// `expr`, of type `ty` (a boolean or a number), as a program; `None` when the walk
    /// does as well (the whole expression would be handed to it) or the program would need
    /// more than [`STACK_SLOTS`] values at once.
    fn compile(expr: &CExpr, ty: Type) -> Option<Program> {
        if walk_steps(expr, ty) < MIN_STEPS {
            return None;
        }
        let mut compiler = Compiler::default();
        compiler.expr(expr, ty);
        let handed_over = matches!(compiler.ops.as_slice(), [Op::WalkBool(_) | Op::WalkNum(_)]);
        if handed_over || compiler.too_deep {
            return None;
        }
        Some(Program {
            ops: compiler.ops.into_boxed_slice(),
        })
    }
}

/// The fewest walk steps an expression must take for its program to be the faster: a
/// condition the walk settles in place (`any file in protected`, `lines.changed > 100`) or
/// in one step (an `and` of such) costs less than starting a program.
const MIN_STEPS: usize = 2;

/// How many steps (calls of the typed walks) evaluating `expr` as a `ty` operand takes at
/// most, counting what `FastEvaluator::bool_operand` and `num_operand` read in place as
/// none (a helper counts as one step: its first use evaluates it).
fn walk_steps(expr: &CExpr, ty: Type) -> usize {
    crate::stack::guarded(|| {
        let operands = |items: &mut dyn Iterator<Item = (&CExpr, Type)>| -> usize {
            items.map(|(e, t)| walk_steps(e, t)).sum()
        };
        match (&expr.kind, ty) {
            (CExprKind::Lit(Value::Number(_)) | CExprKind::Attr(_), Type::Number) => 0,
            (CExprKind::Fact(f), Type::Number) if Total::of(f).is_some() => 0,
            (CExprKind::Helper(_), _) => 1,
            (CExprKind::Quantifier(_, FileFilter::Set(_)), Type::Bool) => 0,
            (CExprKind::Compare(_, a, b), Type::Bool)
                if a.ty == Type::Number && b.ty == Type::Number =>
            {
                operands(&mut [(&**a, Type::Number), (&**b, Type::Number)].into_iter())
            }
            (CExprKind::And(items) | CExprKind::Or(items), _) => {
                1 + operands(&mut items.iter().map(|e| (e, Type::Bool)))
            }
            (CExprKind::Not(e), _) => 1 + walk_steps(e, Type::Bool),
            (CExprKind::Neg(e), _) => 1 + walk_steps(e, Type::Number),
            (CExprKind::Arith(_, a, b), _) => {
                1 + operands(&mut [(&**a, Type::Number), (&**b, Type::Number)].into_iter())
            }
            (CExprKind::Min(items) | CExprKind::Max(items), _) => {
                1 + operands(&mut items.iter().map(|e| (e, Type::Number)))
            }
            // A branch is walked as one step more than an operand.
            (CExprKind::If(c, t, o), _) => {
                1 + walk_steps(c, Type::Bool) + walk_steps(t, ty).max(walk_steps(o, ty)) + 1
            }
            _ => 1,
        }
    })
}

/// Builds a program, tracking how many values its stack holds.
#[derive(Default)]
struct Compiler {
    ops: Vec<Op>,
    depth: usize,
    too_deep: bool,
}

impl Compiler {
    fn push(&mut self, op: Op) {
        self.ops.push(op);
    }

    /// One more value on the stack.
    fn grow(&mut self) {
        self.depth += 1;
        if self.depth > STACK_SLOTS {
            self.too_deep = true;
        }
    }

    /// `n` values replaced by one.
    fn shrink(&mut self, n: usize) {
        self.depth = self.depth.saturating_sub(n.saturating_sub(1));
    }

    /// The position the next operation will have, as a jump target.
    fn here(&self) -> u32 {
        u32::try_from(self.ops.len()).unwrap_or(u32::MAX)
    }

    /// Points the jump at `at` to the next operation.
    fn land(&mut self, at: usize) {
        let target = self.here();
        if let Some(Op::AndJump(t) | Op::OrJump(t) | Op::JumpUnless(t) | Op::Jump(t)) =
            self.ops.get_mut(at)
        {
            *t = target;
        }
    }

    /// The two numeric operands of a binary operation, compiling onto the stack those not
    /// read in place; the operation's value then takes their place. The left operand is
    /// read in place only when that cannot change which of the two is evaluated first: when
    /// it is a constant (which cannot fail), or the right one is read in place too.
    fn operands(&mut self, a: &CExpr, b: &CExpr) -> (Operand, Operand) {
        let (left, right) = (Operand::of(a), Operand::of(b));
        let left = match (left, right) {
            (Some(x @ Operand::Const(_)), _) | (Some(x), Some(_)) => x,
            _ => {
                self.expr(a, Type::Number);
                Operand::Pop
            }
        };
        let right = match right {
            Some(y) => y,
            None => {
                self.expr(b, Type::Number);
                Operand::Pop
            }
        };
        let popped = [left, right]
            .iter()
            .filter(|o| matches!(o, Operand::Pop))
            .count();
        // The popped values are replaced by the result; with none popped it is one more.
        if popped == 0 {
            self.grow();
        } else {
            self.shrink(popped);
        }
        (left, right)
    }

    /// Hands `expr` to the walk.
    fn walk(&mut self, expr: &CExpr, ty: Type) {
        self.push(if ty == Type::Bool {
            Op::WalkBool(Box::new(expr.clone()))
        } else {
            Op::WalkNum(Box::new(expr.clone()))
        });
        self.grow();
    }

    /// A constant, a value read in place, or an operation over compiled operands.
    fn expr(&mut self, expr: &CExpr, ty: Type) {
        crate::stack::guarded(|| self.expr_unguarded(expr, ty));
    }

    fn expr_unguarded(&mut self, expr: &CExpr, ty: Type) {
        if expr.ty != ty {
            return self.walk(expr, ty);
        }
        let leaf = match (&expr.kind, ty) {
            (_, Type::Number) if Operand::of(expr).is_some() => Operand::of(expr).map(Op::Push),
            (CExprKind::Lit(Value::Bool(b)), Type::Bool) => {
                Some(Op::Push(Operand::Const(from_bool(*b))))
            }
            (CExprKind::Attr(id), Type::Bool) => Some(Op::AttrBool(*id)),
            // File-scoped helpers exist only inside `where`, which the walk evaluates; a
            // request-level helper's scope is checked again when it is evaluated.
            (CExprKind::Helper(id), Type::Number) => Some(Op::HelperNum(*id)),
            (CExprKind::Helper(id), Type::Bool) => Some(Op::HelperBool(*id)),
            (CExprKind::Quantifier(q, FileFilter::Set(s)), Type::Bool) => {
                Some(Op::Quantify(*q, *s))
            }
            (CExprKind::Count(FileFilter::Set(s)), Type::Number) => Some(Op::CountSet(*s)),
            (CExprKind::ActorIs(kind), Type::Bool) => Some(Op::ActorIs(kind.as_str().into())),
            _ => None,
        };
        if let Some(op) = leaf {
            self.push(op);
            return self.grow();
        }
        match &expr.kind {
            CExprKind::Neg(e) => {
                self.expr(e, Type::Number);
                self.push(Op::Neg);
            }
            CExprKind::Arith(op, a, b) => {
                let (x, y) = self.operands(a, b);
                self.push(Op::Arith(*op, x, y));
            }
            CExprKind::Min(items) | CExprKind::Max(items)
                if !items.is_empty() && u32::try_from(items.len()).is_ok() =>
            {
                for item in items {
                    self.expr(item, Type::Number);
                }
                self.push(Op::MinMax {
                    n: u32::try_from(items.len()).unwrap_or(u32::MAX),
                    min: matches!(expr.kind, CExprKind::Min(_)),
                });
                self.shrink(items.len());
            }
            CExprKind::Compare(op, a, b) if a.ty == Type::Number && b.ty == Type::Number => {
                let (x, y) = self.operands(a, b);
                self.push(Op::CompareNum(*op, x, y));
            }
            CExprKind::Compare(op, a, b) if a.ty == Type::Bool && b.ty == Type::Bool => {
                self.expr(a, Type::Bool);
                self.expr(b, Type::Bool);
                self.push(Op::CompareBool(*op));
                self.shrink(2);
            }
            CExprKind::Not(e) => {
                self.expr(e, Type::Bool);
                self.push(Op::Not);
            }
            CExprKind::And(items) | CExprKind::Or(items) if !items.is_empty() => {
                let and = matches!(expr.kind, CExprKind::And(_));
                let mut jumps = Vec::with_capacity(items.len());
                let last = items.len() - 1;
                for (i, item) in items.iter().enumerate() {
                    self.expr(item, Type::Bool);
                    if i < last {
                        jumps.push(self.ops.len());
                        self.push(if and { Op::AndJump(0) } else { Op::OrJump(0) });
                        // Dropped when the jump is not taken.
                        self.depth = self.depth.saturating_sub(1);
                    }
                }
                for at in jumps {
                    self.land(at);
                }
            }
            CExprKind::If(c, t, o) => {
                self.expr(c, Type::Bool);
                let unless = self.ops.len();
                self.push(Op::JumpUnless(0));
                self.depth = self.depth.saturating_sub(1);
                self.expr(t, ty);
                let past = self.ops.len();
                self.push(Op::Jump(0));
                // One branch's value is on the stack at the end, not both.
                self.depth = self.depth.saturating_sub(1);
                self.land(unless);
                self.expr(o, ty);
                self.land(past);
            }
            _ => self.walk(expr, ty),
        }
    }
}

fn from_bool(b: bool) -> Decimal {
    if b { Decimal::ONE } else { Decimal::ZERO }
}

fn to_bool(n: Decimal) -> bool {
    n != Decimal::ZERO
}

/// The error for a program that breaks its own invariants (a compiler bug): it blocks the
/// decision like any evaluation error, never panics.
fn broken() -> EvalError {
    EvalError::internal("compiled program")
}

/// The value stack of a running program. The compiler proves a program never holds more
/// than [`STACK_SLOTS`] values, and positions are taken modulo the size: a read or write
/// can never fall outside the array, so there is no bounds check, no error path and no
/// panic on the way (a broken program could only compute a wrong value, and `run` checks
/// that exactly one value is left).
struct Stack {
    slots: [Decimal; STACK_SLOTS],
    len: usize,
}

const SLOT_MASK: usize = STACK_SLOTS - 1;
const _: () = assert!(STACK_SLOTS.is_power_of_two());

impl Stack {
    #[inline(always)]
    fn push(&mut self, value: Decimal) {
        if let Some(slot) = self.slots.get_mut(self.len & SLOT_MASK) {
            *slot = value;
        }
        self.len = self.len.wrapping_add(1);
    }

    #[inline(always)]
    fn pop(&mut self) -> Decimal {
        self.len = self.len.wrapping_sub(1);
        self.top_at(self.len)
    }

    #[inline(always)]
    fn top(&self) -> Decimal {
        self.top_at(self.len.wrapping_sub(1))
    }

    #[inline(always)]
    fn top_at(&self, at: usize) -> Decimal {
        self.slots
            .get(at & SLOT_MASK)
            .copied()
            .unwrap_or(Decimal::ZERO)
    }
}

impl<'a> FastEvaluator<'a> {
    /// The value of `operand`.
    #[inline(always)]
    fn operand(&self, operand: Operand, stack: &mut Stack) -> Result<Decimal, EvalError> {
        match operand {
            Operand::Const(n) => Ok(n),
            Operand::Pop => Ok(stack.pop()),
            Operand::Attr(id) => self.number_attribute(id),
            // As the walk reads an operand: the total, else the fact's error.
            Operand::Total(total) => match self.total(total) {
                Some(n) => Ok(n),
                None => as_num(self.fact(&total.fact())?),
            },
        }
    }

    /// The values of a binary operation's operands, left first as the walk reads them;
    /// a right operand on the stack is on top, so it is popped first.
    #[inline(always)]
    fn operands(
        &self,
        a: Operand,
        b: Operand,
        stack: &mut Stack,
    ) -> Result<(Decimal, Decimal), EvalError> {
        if let Operand::Pop = b {
            let y = stack.pop();
            Ok((self.operand(a, stack)?, y))
        } else {
            let x = self.operand(a, stack)?;
            Ok((x, self.operand(b, stack)?))
        }
    }

    /// Runs a boolean program.
    pub(super) fn run_bool(&mut self, program: &'a Program) -> Result<bool, EvalError> {
        self.run(program).map(to_bool)
    }

    /// Runs a program; its value is what is left on the stack.
    pub(super) fn run(&mut self, program: &'a Program) -> Result<Decimal, EvalError> {
        let mut stack = Stack {
            slots: [Decimal::ZERO; STACK_SLOTS],
            len: 0,
        };
        let ops = &program.ops[..];
        let mut pc = 0;
        while let Some(op) = ops.get(pc) {
            pc += 1;
            match op {
                Op::Push(operand) => {
                    let value = self.operand(*operand, &mut stack)?;
                    stack.push(value);
                }
                Op::AttrBool(id) => stack.push(from_bool(self.bool_attribute(*id)?)),
                Op::HelperNum(id) => {
                    let value = match self.scratch.memo(*id) {
                        Some(Memo::Num(n)) => n,
                        _ => self.num_helper(*id, None)?,
                    };
                    stack.push(value);
                }
                Op::HelperBool(id) => {
                    let value = match self.scratch.memo(*id) {
                        Some(Memo::Bool(b)) => b,
                        _ => self.bool_helper(*id, None)?,
                    };
                    stack.push(from_bool(value));
                }
                Op::Quantify(q, set) => stack.push(from_bool(self.quantify_set(*q, *set))),
                Op::CountSet(set) => {
                    stack.push(count(u64::from(self.scratch.set_count(*set)))?);
                }
                Op::ActorIs(kind) => {
                    let is = self.facts.request.actor.kind.as_str() == &**kind;
                    stack.push(from_bool(is));
                }
                Op::Neg => {
                    let x = stack.pop();
                    stack.push(x.checked_neg()?);
                }
                Op::Arith(op, a, b) => {
                    let (x, y) = self.operands(*a, *b, &mut stack)?;
                    stack.push(match op {
                        ArithOp::Add => x.checked_add(y)?,
                        ArithOp::Sub => x.checked_sub(y)?,
                        ArithOp::Mul => x.checked_mul(y)?,
                    });
                }
                Op::MinMax { n, min } => {
                    let n = *n as usize;
                    let from = stack.len.checked_sub(n).ok_or_else(broken)?;
                    // The compiler keeps every program within the slots.
                    let items = stack.slots.get(from..stack.len).ok_or_else(broken)?;
                    let best = if *min {
                        items.iter().min()
                    } else {
                        items.iter().max()
                    };
                    let best = best.copied().ok_or_else(broken)?;
                    stack.len = from;
                    stack.push(best);
                }
                Op::CompareNum(op, a, b) => {
                    let (x, y) = self.operands(*a, *b, &mut stack)?;
                    stack.push(from_bool(super::typed::holds(*op, x.cmp(&y))));
                }
                Op::CompareBool(op) => {
                    let y = to_bool(stack.pop());
                    let x = to_bool(stack.pop());
                    stack.push(from_bool(super::typed::holds(*op, x.cmp(&y))));
                }
                Op::Not => {
                    let x = to_bool(stack.pop());
                    stack.push(from_bool(!x));
                }
                Op::AndJump(target) => {
                    if to_bool(stack.top()) {
                        stack.pop();
                    } else {
                        pc = *target as usize;
                    }
                }
                Op::OrJump(target) => {
                    if to_bool(stack.top()) {
                        pc = *target as usize;
                    } else {
                        stack.pop();
                    }
                }
                Op::JumpUnless(target) => {
                    if !to_bool(stack.pop()) {
                        pc = *target as usize;
                    }
                }
                Op::Jump(target) => pc = *target as usize,
                Op::WalkBool(expr) => {
                    let value = self.eval_bool_expr(expr, None)?;
                    stack.push(from_bool(value));
                }
                Op::WalkNum(expr) => {
                    let value = self.eval_num_expr(expr, None)?;
                    stack.push(value);
                }
            }
        }
        if stack.len != 1 {
            return Err(broken());
        }
        Ok(stack.top())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::Policy;

    fn compiled_ops(source: &str) -> Vec<String> {
        let policy = Policy::from_str(source).unwrap_or_else(|e| panic!("{e}"));
        let checked = policy.checked();
        let programs = Programs::new(checked);
        programs
            .helpers
            .iter()
            .map(|p| match p {
                Some(p) => format!("{:?}", p.ops),
                None => "walk".to_string(),
            })
            .collect()
    }

    #[test]
    fn arithmetic_and_conditionals_compile_to_jumps() {
        let ops = compiled_ops(
            "policy \"p\"\ndefault auto_approve\n\
             let x = if files.count <= 1 then 0 else min(20, 10 + 2 * (files.count - 3))\n\
             rule r \"r\" {\n  when x > 1\n  then block \"no\"\n}\n",
        );
        let [ops] = ops.as_slice() else {
            panic!("{ops:?}")
        };
        assert!(ops.contains("JumpUnless"), "{ops}");
        assert!(ops.contains("MinMax { n: 2, min: true }"), "{ops}");
        assert!(!ops.contains("Walk"), "{ops}");
    }

    #[test]
    fn what_the_program_cannot_read_is_handed_to_the_walk() {
        let ops = compiled_ops(
            "policy \"p\"\nenvironments dev -> prod\ndefault auto_approve\n\
             let x = environment == prod and files.count > 1\n\
             let y = environment == prod\n\
             rule r \"r\" {\n  when x and y\n  then block \"no\"\n}\n",
        );
        assert_eq!(ops.len(), 2, "{ops:?}");
        assert!(ops[0].contains("WalkBool"), "{ops:?}");
        assert!(ops[0].contains("AndJump"), "{ops:?}");
        // A helper that would be one hand-over compiles to nothing.
        assert_eq!(ops[1], "walk");
    }

    #[test]
    fn deep_expressions_are_left_to_the_walk() {
        let mut sum = String::from("files.count");
        for _ in 0..STACK_SLOTS + 2 {
            sum = format!("(files.count + 1) + ({sum})");
        }
        // Every left operand, a sum itself, waits on the stack for the right one.
        let ops = compiled_ops(&format!(
            "policy \"p\"\ndefault auto_approve\nlet x = {sum}\n\
             rule r \"r\" {{\n  when x > 1\n  then block \"no\"\n}}\n"
        ));
        assert_eq!(ops, ["walk"]);
    }

    #[test]
    fn a_failing_program_blocks_as_the_walk_does() {
        // `big` compiles (an `if` over arithmetic) and overflows on this request.
        let source = "policy \"p\"\ndefault auto_approve\n\
             let big = if files.count > 0 then lines.added * 100000000 else 0\n\
             rule r \"r\" {\n  when big > 5 and files.count < 10\n  then block \"no\"\n}\n";
        assert!(!compiled_ops(source)[0].contains("walk"));
        let policy = Policy::from_str(source).unwrap_or_else(|e| panic!("{e}"));
        let request = crate::Request::from_json(
            br#"{"action":"deploy","actor":{"id":"a","kind":"human"},"files":[{"path":"x","added":999999999}]}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let context = crate::Context::at("2026-03-01T12:00:00Z".parse().unwrap_or_default());
        let decision = policy.decide(&request, &context);
        assert_eq!(decision.outcome.as_str(), "block");
        assert_eq!(decision.errors.len(), 1, "{:?}", decision.errors);
        assert_eq!(decision.errors[0].location, "rule `r`");
        assert!(
            decision.errors[0].error.contains("arithmetic overflow"),
            "{:?}",
            decision.errors
        );
        let reference = crate::eval::reference::decide(policy.checked(), &request, &context, false);
        assert_eq!(decision, reference);
    }
}
