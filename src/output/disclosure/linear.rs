//! The attacker's linear programs: each count's least and greatest value that every published sum allows.
//!
//! Bound propagation ([`super::attacker`]) narrows one sum at a time; a linear program over all
//! sums at once narrows as far as an attacker with a solver can (the LP relaxation: counts may be
//! fractional, so a range it gives holds the integer one an attacker's integer program gets, and
//! is as wide or wider). Each connected group of cells is one program. Most cells are shown wide
//! enough without solving for them: the true counts are one solution the attacker cannot rule out,
//! and the whole-count vertices found for a few random objectives are more, so a cell whose values
//! across those solutions already span the width it needs is safe. Only the rest get their own
//! minimum and maximum solved. Where such an optimum is fractional (the sums' matrix is not totally
//! unimodular there), the attacker's integer program is solved instead, so every range reported
//! holds only whole counts some integer solution reaches.

use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};

use super::Bounds;

/// Tolerance of the solver's values before they are taken as whole counts.
const EPS: f64 = 1e-6;

/// The longest one integer program may take before its cell is treated as not proven wide.
const INTEGER_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A cell whose range an audit needs: at least `values` whole counts, or the exact range.
#[derive(Debug, Clone, Copy)]
pub(super) struct Target {
    pub cell: usize,
    pub values: f64,
}

/// The ranges the linear programs give, and what solving them took.
#[derive(Debug, Clone)]
pub(super) struct LinearRanges {
    /// Per cell: for a target, a range an attacker's linear program narrows it to no further than
    /// (exact where the target needed it); otherwise the starting range.
    pub ranges: Vec<Bounds>,
    /// Linear programs solved.
    pub programs: usize,
    /// Targets whose programs the solver could not answer: their starting range is kept.
    pub unsolved: usize,
    /// Integer programs solved where a linear program's optimum was fractional.
    pub integer_programs: usize,
}

/// Narrows `start` (each cell's range, e.g. from bound propagation) by linear programming over
/// `relations` (parts, then the whole) for each of `targets`; `truth` is the exact counts, one
/// solution every program has.
pub(super) fn narrow(start: &[Bounds], truth: &[f64], relations: &[Vec<usize>], targets: &[Target]) -> LinearRanges {
    let mut out = LinearRanges { ranges: start.to_vec(), programs: 0, unsolved: 0, integer_programs: 0 };
    let fixed = |i: usize| start[i].low == start[i].high;
    let components = Components::of(start.len(), relations, fixed);
    let mut by_component: Vec<Vec<Target>> = vec![Vec::new(); components.count];
    for target in targets.iter().filter(|t| !fixed(t.cell)) {
        by_component[components.of[target.cell]].push(*target);
    }
    for (component, targets) in by_component.into_iter().enumerate() {
        if !targets.is_empty() && !components.acyclic[component] {
            let program = Program::new(start, truth, relations, |i| !fixed(i) && components.of[i] == component);
            program.narrow(&targets, &mut out);
        }
    }
    out
}

/// Groups of cells tied together by sums of cells that are not yet known exactly.
struct Components {
    /// Each cell's group.
    of: Vec<usize>,
    count: usize,
    /// Whether a group's sums form no cycle (no two sums share two cells, no ring of sums): there,
    /// narrowing one sum at a time already gives each cell's exact range, and no program is needed.
    acyclic: Vec<bool>,
}

impl Components {
    fn of(cells: usize, relations: &[Vec<usize>], fixed: impl Fn(usize) -> bool) -> Components {
        let mut parent: Vec<usize> = (0..cells).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for members in relations {
            let mut open = members.iter().copied().filter(|&i| !fixed(i));
            if let Some(first) = open.next() {
                for other in open {
                    let (a, b) = (root(&mut parent, first), root(&mut parent, other));
                    parent[a] = b;
                }
            }
        }
        let mut ids = vec![usize::MAX; cells];
        let mut count = 0;
        let of: Vec<usize> = (0..cells)
            .map(|i| {
                let r = root(&mut parent, i);
                if ids[r] == usize::MAX {
                    ids[r] = count;
                    count += 1;
                }
                ids[r]
            })
            .collect();
        // A group is acyclic when its cells and sums, joined by membership, form a tree.
        let (mut cells_in, mut sums_in, mut links_in) = (vec![0usize; count], vec![0usize; count], vec![0usize; count]);
        for i in (0..cells).filter(|&i| !fixed(i)) {
            cells_in[of[i]] += 1;
        }
        for members in relations {
            let open: Vec<usize> = members.iter().copied().filter(|&i| !fixed(i)).collect();
            if let Some(&first) = open.first() {
                sums_in[of[first]] += 1;
                links_in[of[first]] += open.len();
            }
        }
        let acyclic = (0..count).map(|c| links_in[c] + 1 == cells_in[c] + sums_in[c]).collect();
        Components { of, count, acyclic }
    }
}

/// One component's program. Cells that are in exactly the same sums are interchangeable: an
/// attacker learns only their total, so each such group is one variable, and a cell's range
/// follows from its group's (the group's total less what the others can hold).
struct Program {
    /// Each group's cells, and each cell's range (an unbounded one capped at `cap`).
    groups: Vec<Vec<(usize, (f64, f64))>>,
    /// Each cell's group and the group's range.
    group_of: std::collections::HashMap<usize, usize>,
    bounds: Vec<(f64, f64)>,
    /// Each sum: (group, +1 for parts or -1 for the whole) and the constant on the right.
    sums: Vec<(Vec<(usize, f64)>, f64)>,
    /// The true counts: each cell's, and each group's total.
    truth: std::collections::HashMap<usize, f64>,
    group_truth: Vec<f64>,
    /// A stand-in for "no upper bound": a value no count in the system reaches.
    cap: f64,
}

impl Program {
    fn new(start: &[Bounds], truth: &[f64], relations: &[Vec<usize>], open: impl Fn(usize) -> bool) -> Program {
        let largest =
            truth.iter().chain(start.iter().map(|b| &b.high)).filter(|v| v.is_finite()).fold(0.0_f64, |a, &b| a.max(b));
        let cap = largest * 4.0 + 1_000.0;
        // Each open cell's sums, with its sign in each: its signature.
        let mut signature: std::collections::BTreeMap<usize, Vec<(usize, i8)>> = std::collections::BTreeMap::new();
        let mut constants = Vec::new();
        for (r, members) in relations.iter().enumerate() {
            let whole = members.len() - 1;
            let (mut any, mut constant) = (false, 0.0);
            for (k, &i) in members.iter().enumerate() {
                let sign = if k == whole { -1 } else { 1 };
                if open(i) {
                    signature.entry(i).or_default().push((r, sign));
                    any = true;
                } else {
                    constant -= f64::from(sign) * start[i].low;
                }
            }
            if any {
                constants.push((r, constant));
            }
        }
        let mut group_by_signature: std::collections::HashMap<Vec<(usize, i8)>, usize> =
            std::collections::HashMap::new();
        let (mut groups, mut group_of) = (Vec::<Vec<(usize, (f64, f64))>>::new(), std::collections::HashMap::new());
        for (cell, sig) in &signature {
            let next = groups.len();
            let g = *group_by_signature.entry(sig.clone()).or_insert(next);
            if g == next {
                groups.push(Vec::new());
            }
            groups[g].push((*cell, (start[*cell].low, start[*cell].high.min(cap))));
            group_of.insert(*cell, g);
        }
        let bounds = groups.iter().map(|m| m.iter().fold((0.0, 0.0), |(l, h), (_, b)| (l + b.0, h + b.1))).collect();
        let group_truth = groups.iter().map(|m| m.iter().map(|(i, _)| truth[*i]).sum()).collect();
        let row_of: std::collections::HashMap<usize, usize> =
            constants.iter().enumerate().map(|(k, (r, _))| (*r, k)).collect();
        let mut sums: Vec<(Vec<(usize, f64)>, f64)> = constants.iter().map(|(_, c)| (Vec::new(), *c)).collect();
        for (sig, &g) in &group_by_signature {
            for &(r, sign) in sig {
                sums[row_of[&r]].0.push((g, f64::from(sign)));
            }
        }
        let truth = signature.keys().map(|&i| (i, truth[i])).collect();
        Program { groups, group_of, bounds, sums, truth, group_truth, cap }
    }

    /// Solves for `objective` (coefficient per group; zero for the rest), minimising, over
    /// fractional or (`integer`) whole group totals; `None` when the solver fails or runs out of time.
    fn solve(&self, objective: &[(usize, f64)], integer: bool) -> Option<Vec<f64>> {
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let mut coefficients = vec![0.0; self.groups.len()];
        for &(g, c) in objective {
            coefficients[g] = c;
        }
        let vars: Vec<Variable> = (self.bounds.iter().zip(&coefficients))
            .map(|(&(low, high), &c)| match integer {
                true => problem.add_integer_var(c, (whole_bound(low.ceil()), whole_bound(high.floor()))),
                false => problem.add_var(c, (low, high)),
            })
            .collect();
        for (terms, constant) in &self.sums {
            let expr: Vec<(Variable, f64)> = terms.iter().map(|&(g, s)| (vars[g], s)).collect();
            problem.add_constraint(&expr[..], ComparisonOp::Eq, *constant);
        }
        if integer {
            problem.set_time_limit(INTEGER_TIME_LIMIT);
        }
        let outcome = problem.solve().ok()?;
        if !outcome.is_optimal() {
            return None;
        }
        let solution = outcome.into_solution().ok()?;
        Some(vars.iter().map(|&v| solution.var_value(v)).collect())
    }

    /// The range of `cell` that its group's `seen` totals allow: the group's total less what the
    /// other cells of the group can hold, and the cell's own count.
    fn cell_range(&self, cell: usize, seen: &[(f64, f64)]) -> (f64, f64) {
        let g = self.group_of[&cell];
        let own = self.groups[g].iter().find(|(i, _)| *i == cell).map_or((0.0, 0.0), |(_, b)| *b);
        let (group_low, group_high) = self.bounds[g];
        let (others_low, others_high) = (group_low - own.0, group_high - own.1);
        let t = self.truth[&cell];
        let high = own.1.min(seen[g].1 - others_low).max(t);
        let low = own.0.max(seen[g].0 - others_high).min(t);
        (low, high)
    }

    /// Narrows each target's range in `out`: by the whole-count solutions seen first, then by its
    /// group's own programs. Only whole-count solutions widen what is `seen`: each is a table of
    /// counts the attacker cannot rule out.
    fn narrow(&self, targets: &[Target], out: &mut LinearRanges) {
        let mut seen: Vec<(f64, f64)> = self.group_truth.iter().map(|&t| (t, t)).collect();
        let wide = |seen: &[(f64, f64)], t: &Target| whole_counts(self.cell_range(t.cell, seen)) >= t.values;
        let mut open: Vec<Target> = targets.iter().copied().filter(|t| !wide(&seen, t)).collect();
        let mut random = 0x9e37_79b9_7f4a_7c15_u64;
        let mut stalled = 0;
        while !open.is_empty() && stalled < 2 {
            let mut objective: Vec<(usize, f64)> = open.iter().map(|t| (self.group_of[&t.cell], 0.0)).collect();
            objective.sort_by_key(|(g, _)| *g);
            objective.dedup_by_key(|(g, _)| *g);
            for (_, c) in objective.iter_mut() {
                random ^= random << 13;
                random ^= random >> 7;
                random ^= random << 17;
                *c = if random & 1 == 0 { 1.0 } else { -1.0 };
            }
            let before = open.len();
            for sign in [1.0, -1.0] {
                let flipped: Vec<(usize, f64)> = objective.iter().map(|&(g, c)| (g, sign * c)).collect();
                out.programs += 1;
                if let Some(values) = self.solve(&flipped, false).filter(|v| whole(v)) {
                    record(&mut seen, &values);
                }
            }
            open.retain(|t| !wide(&seen, t));
            stalled = if open.len() * 10 > before * 9 { stalled + 1 } else { 0 };
        }
        let mut exact = vec![None; self.groups.len()];
        for target in targets {
            let g = self.group_of[&target.cell];
            let solved = wide(&seen, target) || *exact[g].get_or_insert_with(|| self.exact(g, &mut seen, out));
            if solved {
                let (low, high) = self.cell_range(target.cell, &seen);
                let high = if high >= self.cap - 1.0 { f64::INFINITY } else { (high + EPS).floor() };
                out.ranges[target.cell] = Bounds { low: (low - EPS).ceil().max(0.0), high };
            } else {
                out.unsolved += 1;
            }
        }
    }

    /// Solves group `g`'s own minimum and maximum into `seen`: by a linear program, or where its
    /// optimum is fractional by the integer program; false if the solver failed.
    fn exact(&self, g: usize, seen: &mut [(f64, f64)], out: &mut LinearRanges) -> bool {
        let mut solved = true;
        for sign in [1.0, -1.0] {
            out.programs += 1;
            let values = match self.solve(&[(g, sign)], false) {
                Some(values) if whole(&values) => Some(values),
                Some(_) => {
                    out.integer_programs += 1;
                    self.solve(&[(g, sign)], true)
                }
                None => None,
            };
            match values {
                Some(values) => record(seen, &values),
                None => solved = false,
            }
        }
        solved
    }
}

/// Widens each variable's seen range by one more solution.
fn record(seen: &mut [(f64, f64)], values: &[f64]) {
    for (s, &x) in seen.iter_mut().zip(values) {
        let x = x.round();
        *s = (s.0.min(x), s.1.max(x));
    }
}

/// A bound as the integer solver takes it (a count beyond its range is no count a table holds).
fn whole_bound(v: f64) -> i32 {
    v.clamp(0.0, f64::from(i32::MAX)) as i32
}

/// Whether a solution is whole counts (every group total within the solver's tolerance of one).
fn whole(values: &[f64]) -> bool {
    values.iter().all(|v| (v - v.round()).abs() < EPS)
}

/// How many whole counts lie in a range of the solver's values.
fn whole_counts((low, high): (f64, f64)) -> f64 {
    ((high + EPS).floor() - (low - EPS).ceil() + 1.0).max(0.0)
}
