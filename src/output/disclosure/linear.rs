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
//!
//! A large program (thousands of variables: every area of a trust's patients, in its decile's sum
//! and its MSOA's; every partner of a network by decile and band, tied to the pool) is first
//! narrowed around each cell: its group and a few others are free (a balanced set, in which every
//! sum touched has other free members, or those on short cycles of sums through it), every other
//! group is fixed at its true total. Any solution of that
//! small program is a solution of the whole one (the truth satisfies every sum it leaves out), so
//! it widens what is seen as soundly; the whole program is solved only for the cells it leaves.

use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};
use rustc_hash::FxHashMap;

use super::Bounds;

/// Tolerance of the solver's values before they are taken as whole counts.
const EPS: f64 = 1e-6;

/// The longest one integer program may take before its cell is treated as not proven wide.
const INTEGER_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Programs with more variables than this are first narrowed around each target
/// ([`Program::narrow_locally`]): solving the whole of a large system once per cell takes minutes.
const LOCAL_ABOVE: usize = 400;

/// The largest program protection solves whole for a cell the programs around it leave (a
/// national workforce by area and MSOA has about 30,000 variables: each whole solve takes minutes).
const WHOLE_SYSTEM_UP_TO: usize = 10_000;

/// The neighbourhoods a large program is narrowed in around a target, in order, until one shows
/// it wide enough: balanced sets ([`Program::balanced`]) are small and find the moves of tables
/// tied in three or more ways; cycles of sums ([`Program::around`]) find those of tables tied in
/// two (on a trust's 30,000 appointments by area and MSOA, 6,000 groups, cycles up to 400 left
/// none of 6,019 targets), and their larger solutions show many other targets wide on the way.
/// Every target is taken through these in [`LOCAL_RUNS`] runs side by side.
const NEARBY: [Around; 5] = [
    Around::Balanced { breadth: 1, most: 64 },
    Around::Balanced { breadth: 2, most: 256 },
    Around::Cycles { cycles: 8, most: 48 },
    Around::Cycles { cycles: 48, most: 240 },
    Around::Balanced { breadth: 4, most: 512 },
];

/// The neighbourhoods for the few targets [`NEARBY`] leaves, one target after another (a
/// solution of thousands of groups often shows the next target wide too): long cycles, then a
/// wide balanced set, which answers the last (a network's: 2 of 6,168) without the whole system.
const WIDE: [Around; 2] = [Around::Cycles { cycles: 400, most: 2_000 }, Around::Balanced { breadth: 16, most: 2_000 }];

/// The runs a large program's targets are taken through [`NEARBY`] in, side by side, each from
/// what was seen before them and with its own solutions (merged after): a fixed number, so that
/// what is seen, and so the audit, is the same on every machine. Runs of neighbouring targets
/// share fewer solutions than one run would (on the 13-employer network, 12,900 programs rather
/// than 9,500), but a few runs of costly targets no longer hold up the rest.
const LOCAL_RUNS: usize = 16;

/// Targets a large program's neighbourhoods must leave before whole-system solves for random
/// objectives (two or more rounds of two) pay over each target's own two.
const RANDOM_AT_LEAST: usize = 4;

/// One neighbourhood of a target's group in which the rest of the system is held at the truth.
#[derive(Debug, Clone, Copy)]
enum Around {
    /// Every sum touched has `breadth` more free members (at most `most` groups).
    Balanced { breadth: usize, most: usize },
    /// The groups on `cycles` shortest cycles of sums through it, and their sums' leaves.
    Cycles { cycles: usize, most: usize },
}

/// How far an attack goes for a cell its cheaper steps do not show wide enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Depth {
    /// As far as the attacker's programs over the whole system go: the audit.
    Full,
    /// Protection's own check. In a very large system (over `WHOLE_SYSTEM_UP_TO` variables) a
    /// cell that no program around it shows wide enough is taken as exposed, and protected,
    /// without solving the whole system: hiding one more cell costs less than minutes of solving,
    /// and the audit's [`Depth::Full`] attack decides.
    Protect,
}

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
pub(super) fn narrow(
    start: &[Bounds],
    truth: &[f64],
    relations: &[Vec<usize>],
    targets: &[Target],
    depth: Depth,
) -> LinearRanges {
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
            program.narrow(&targets, depth, &mut out);
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
    group_of: FxHashMap<usize, usize>,
    bounds: Vec<(f64, f64)>,
    /// Each sum: (group, +1 for parts or -1 for the whole) and the constant on the right.
    sums: Vec<(Vec<(usize, f64)>, f64)>,
    /// Each group's sums (indices into `sums`).
    sums_of: Vec<Vec<usize>>,
    /// Each sum's groups that are in no other sum.
    leaves_of: Vec<Vec<usize>>,
    /// The true counts: each cell's, and each group's total.
    truth: FxHashMap<usize, f64>,
    /// Each open cell's own range.
    own: FxHashMap<usize, (f64, f64)>,
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
        let mut group_by_signature: FxHashMap<Vec<(usize, i8)>, usize> = FxHashMap::default();
        let (mut groups, mut group_of) = (Vec::<Vec<(usize, (f64, f64))>>::new(), FxHashMap::default());
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
        let mut sums_of = vec![Vec::new(); groups.len()];
        for (k, (terms, _)) in sums.iter().enumerate() {
            terms.iter().for_each(|&(g, _)| sums_of[g].push(k));
        }
        let mut leaves_of = vec![Vec::new(); sums.len()];
        for (g, of) in sums_of.iter().enumerate() {
            if let [k] = of[..] {
                leaves_of[k].push(g);
            }
        }
        let truth = signature.keys().map(|&i| (i, truth[i])).collect();
        let own = groups.iter().flatten().copied().collect();
        Program { groups, group_of, bounds, sums, sums_of, leaves_of, truth, own, group_truth, cap }
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
        let own = self.own[&cell];
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
    fn narrow(&self, targets: &[Target], depth: Depth, out: &mut LinearRanges) {
        let mut seen: Vec<(f64, f64)> = self.group_truth.iter().map(|&t| (t, t)).collect();
        let wide = |seen: &[(f64, f64)], t: &Target| whole_counts(self.cell_range(t.cell, seen)) >= t.values;
        let mut open: Vec<Target> = targets.iter().copied().filter(|t| !wide(&seen, t)).collect();
        let local = self.groups.len() > LOCAL_ABOVE;
        if local {
            open = self.narrow_locally(open, &mut seen, out);
            // Solutions for later targets often showed earlier ones wide.
            open.retain(|t| !wide(&seen, t));
        }
        let mut random = 0x9e37_79b9_7f4a_7c15_u64;
        let mut stalled = 0;
        // Protection takes a cell of a very large system that no solution seen shows wide as
        // exposed, rather than solve the whole system for it.
        let whole_system = !(self.groups.len() > WHOLE_SYSTEM_UP_TO && depth == Depth::Protect);
        // Random objectives over the whole system show many targets wide at once; for the few a
        // large program's neighbourhoods leave, each target's own programs take fewer solves.
        let few = local && open.len() <= RANDOM_AT_LEAST;
        while whole_system && !few && !open.is_empty() && stalled < 2 {
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
            let flipped = |sign: f64| -> Vec<(usize, f64)> { objective.iter().map(|&(g, c)| (g, sign * c)).collect() };
            let (one, other) = rayon::join(|| self.solve(&flipped(1.0), false), || self.solve(&flipped(-1.0), false));
            out.programs += 2;
            for values in [one, other].into_iter().flatten().filter(|v| whole(v)) {
                record(&mut seen, &values);
            }
            open.retain(|t| !wide(&seen, t));
            stalled = if open.len() * 10 > before * 9 { stalled + 1 } else { 0 };
        }
        let mut exact = vec![None; self.groups.len()];
        for target in targets {
            let g = self.group_of[&target.cell];
            let solved =
                wide(&seen, target) || !whole_system || *exact[g].get_or_insert_with(|| self.exact(g, &mut seen, out));
            if solved {
                let (low, high) = self.cell_range(target.cell, &seen);
                let high = if high >= self.cap - 1.0 { f64::INFINITY } else { (high + EPS).floor() };
                out.ranges[target.cell] = Bounds { low: (low - EPS).ceil().max(0.0), high };
            } else {
                out.unsolved += 1;
            }
        }
    }

    /// Narrows `open` targets by programs around each (its group and its neighbours free, every
    /// other group fixed at its true total), recording their whole-count solutions in `seen`:
    /// through [`NEARBY`] in [`LOCAL_RUNS`] runs side by side, then those left through [`WIDE`].
    /// Returns the targets still not shown wide enough.
    fn narrow_locally(&self, open: Vec<Target>, seen: &mut [(f64, f64)], out: &mut LinearRanges) -> Vec<Target> {
        use rayon::prelude::*;
        let size = open.len().div_ceil(LOCAL_RUNS).max(1);
        let runs: Vec<(Vec<Target>, Vec<(f64, f64)>, usize)> = open
            .par_chunks(size)
            .map(|targets| {
                let (mut own, mut programs) = (seen.to_vec(), 0);
                let left = self.narrow_run(targets, &NEARBY, &mut own, &mut programs);
                (left, own, programs)
            })
            .collect();
        for (_, own, programs) in &runs {
            record_ranges(seen, own);
            out.programs += programs;
        }
        let wide = |seen: &[(f64, f64)], t: &Target| whole_counts(self.cell_range(t.cell, seen)) >= t.values;
        let left: Vec<Target> = runs.into_iter().flat_map(|(left, _, _)| left).filter(|t| !wide(seen, t)).collect();
        self.narrow_run(&left, &WIDE, seen, &mut out.programs)
    }

    /// Each of `targets` in turn through `hoods`, until one shows it wide enough, recording the
    /// whole-count solutions in `seen`; the targets none did.
    fn narrow_run(
        &self,
        targets: &[Target],
        hoods: &[Around],
        seen: &mut [(f64, f64)],
        programs: &mut usize,
    ) -> Vec<Target> {
        let wide = |seen: &[(f64, f64)], t: &Target| whole_counts(self.cell_range(t.cell, seen)) >= t.values;
        let mut left = Vec::new();
        for target in targets {
            let g = self.group_of[&target.cell];
            for &neighbourhood in hoods {
                if wide(seen, target) {
                    break;
                }
                let free = match neighbourhood {
                    Around::Balanced { breadth, most } => self.balanced(g, breadth, most),
                    Around::Cycles { cycles, most } => self.around(g, cycles, most),
                };
                // The least and the greatest, side by side when a core is free.
                let (least, greatest) =
                    rayon::join(|| self.solve_around(&free, g, 1.0), || self.solve_around(&free, g, -1.0));
                *programs += 2;
                for values in [least, greatest].into_iter().flatten().filter(|v| whole(v)) {
                    for (&h, &x) in free.iter().zip(&values) {
                        let x = x.round();
                        seen[h] = (seen[h].0.min(x), seen[h].1.max(x));
                    }
                }
            }
            if !wide(seen, target) {
                left.push(*target);
            }
        }
        left
    }

    /// Group `g` and the groups on up to `cycles` of the shortest cycles of sums through it (at
    /// most `most` groups): where an attacker's program finds room for `g`, it is along such cycles
    /// (a change to one count balanced around a loop of sums). Found by one breadth-first search
    /// from `g`, each node remembering the first sum on its path: where two paths from different
    /// first sums meet, together they are a cycle.
    fn around(&self, g: usize, cycles: usize, most: usize) -> Vec<usize> {
        let groups = self.groups.len();
        let (unseen, root) = (usize::MAX, usize::MAX - 1);
        // Nodes: groups 0..groups, then sums.
        let mut parent = vec![unseen; groups + self.sums.len()];
        let mut branch = vec![unseen; groups + self.sums.len()];
        let neighbour = |u: usize, n: usize| -> Option<usize> {
            match u < groups {
                true => self.sums_of[u].get(n).map(|&k| groups + k),
                false => self.sums[u - groups].0.get(n).map(|&(h, _)| h),
            }
        };
        let mut queue = std::collections::VecDeque::new();
        parent[g] = root;
        for k in &self.sums_of[g] {
            (parent[groups + k], branch[groups + k]) = (g, groups + k);
            queue.push_back(groups + k);
        }
        // A group in one sum moves only with another member of it: the cycles through that sum,
        // each of its other members a path of its own.
        if let [k] = self.sums_of[g][..] {
            queue.clear();
            for (h, _) in self.sums[k].0.iter().filter(|(h, _)| *h != g) {
                (parent[*h], branch[*h]) = (groups + k, *h);
                queue.push_back(*h);
            }
        }
        let mut free = vec![g];
        let mut in_free = vec![false; groups];
        in_free[g] = true;
        let mut found = 0;
        while let Some(u) = queue.pop_front() {
            for v in (0..).map_while(|n| neighbour(u, n)) {
                if v == parent[u] || v == g {
                    continue;
                }
                if parent[v] == unseen {
                    (parent[v], branch[v]) = (u, branch[u]);
                    queue.push_back(v);
                } else if branch[v] != branch[u] {
                    for mut node in [u, v] {
                        while node != g {
                            if node < groups && !in_free[node] {
                                in_free[node] = true;
                                free.push(node);
                            }
                            node = parent[node];
                        }
                    }
                    found += 1;
                    if found >= cycles || free.len() >= most {
                        return self.with_leaves(free, &mut in_free);
                    }
                }
            }
        }
        self.with_leaves(free, &mut in_free)
    }

    /// Group `g` and enough others that every sum they are in has at least `breadth` more free
    /// members (or all of its members) to balance a change: the smallest set in which an
    /// attacker's table can move `g` at all. Grown greedily, sum by sum: the member added for a
    /// sum is the one that balances the most sums still short, then the one with room both ways.
    /// In a table of partners by decile by band tied to a pool, one step gives the eight counts
    /// of the smallest move (two partners, two deciles, two bands), which cycles of sums reach
    /// only at hundreds of groups.
    fn balanced(&self, g: usize, breadth: usize, most: usize) -> Vec<usize> {
        let mut grown = Grown {
            free: Vec::new(),
            in_free: vec![false; self.groups.len()],
            members_free: vec![0; self.sums.len()],
            touched: Vec::new(),
        };
        grown.add(g, &self.sums_of[g]);
        let short = |k: usize, members_free: &[usize]| members_free[k] < (1 + breadth).min(self.sums[k].0.len());
        let room = |h: usize| {
            let (low, high) = self.bounds[h];
            let t = self.group_truth[h];
            u8::from(t > low) + u8::from(t < high)
        };
        while grown.free.len() < most {
            let open: Vec<usize> = grown.touched.iter().copied().filter(|&k| short(k, &grown.members_free)).collect();
            if open.is_empty() {
                break;
            }
            for k in open {
                if !short(k, &grown.members_free) || grown.free.len() >= most {
                    continue;
                }
                let score = |h: usize| {
                    let shorts = self.sums_of[h]
                        .iter()
                        .filter(|&&j| grown.members_free[j] > 0 && short(j, &grown.members_free))
                        .count();
                    (shorts, room(h), std::cmp::Reverse(self.sums_of[h].len()), std::cmp::Reverse(h))
                };
                let best =
                    self.sums[k].0.iter().map(|&(h, _)| h).filter(|&h| !grown.in_free[h]).max_by_key(|&h| score(h));
                if let Some(h) = best {
                    grown.add(h, &self.sums_of[h]);
                }
            }
        }
        grown.free
    }

    /// `free` and the groups in no sum but one of theirs (a total's sites, its specialties): each
    /// can take up a change in its one sum within its range, and no other sum holds it back.
    fn with_leaves(&self, mut free: Vec<usize>, in_free: &mut [bool]) -> Vec<usize> {
        let mut touched: Vec<usize> = free.iter().flat_map(|&h| self.sums_of[h].iter().copied()).collect();
        touched.sort_unstable();
        touched.dedup();
        for k in touched {
            for &h in &self.leaves_of[k] {
                if !in_free[h] {
                    in_free[h] = true;
                    free.push(h);
                }
            }
        }
        free
    }

    /// Minimises `sign` times group `g`'s total over whole-system tables in which only the `free`
    /// groups differ from the truth; the `free` groups' totals (the others are the truth) or `None`.
    fn solve_around(&self, free: &[usize], g: usize, sign: f64) -> Option<Vec<f64>> {
        let local: FxHashMap<usize, usize> = free.iter().enumerate().map(|(k, &h)| (h, k)).collect();
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let vars: Vec<Variable> = free
            .iter()
            .map(|&h| problem.add_var(if h == g { sign } else { nudge(h, sign, free.len()) }, self.bounds[h]))
            .collect();
        let mut touched: Vec<usize> = free.iter().flat_map(|&h| self.sums_of[h].iter().copied()).collect();
        touched.sort_unstable();
        touched.dedup();
        for k in touched {
            let (terms, constant) = &self.sums[k];
            let mut rest = *constant;
            let mut expr = Vec::new();
            for &(h, s) in terms {
                match local.get(&h) {
                    Some(&x) => expr.push((vars[x], s)),
                    None => rest -= s * self.group_truth[h],
                }
            }
            problem.add_constraint(&expr[..], ComparisonOp::Eq, rest);
        }
        let outcome = problem.solve().ok()?;
        if !outcome.is_optimal() {
            return None;
        }
        let solution = outcome.into_solution().ok()?;
        Some(vars.iter().map(|&v| solution.var_value(v)).collect())
    }

    /// Solves group `g`'s own minimum and maximum into `seen`: by a linear program, or where its
    /// optimum is fractional by the integer program; false if the solver failed.
    fn exact(&self, g: usize, seen: &mut [(f64, f64)], out: &mut LinearRanges) -> bool {
        // The least and the greatest, side by side.
        let end = |sign: f64| match self.solve(&[(g, sign)], false) {
            Some(values) if whole(&values) => (Some(values), false),
            Some(_) => (self.solve(&[(g, sign)], true), true),
            None => (None, false),
        };
        let (least, greatest) = rayon::join(|| end(1.0), || end(-1.0));
        let mut solved = true;
        for (values, integer) in [least, greatest] {
            out.programs += 1;
            out.integer_programs += usize::from(integer);
            match values {
                Some(values) => record(seen, &values),
                None => solved = false,
            }
        }
        solved
    }
}

/// A neighbourhood as [`Program::balanced`] grows it.
struct Grown {
    free: Vec<usize>,
    in_free: Vec<bool>,
    /// Per sum, how many of its members are free.
    members_free: Vec<usize>,
    /// The sums with a free member, in the order they were reached.
    touched: Vec<usize>,
}

impl Grown {
    fn add(&mut self, h: usize, sums: &[usize]) {
        self.in_free[h] = true;
        self.free.push(h);
        for &k in sums {
            if self.members_free[k] == 0 {
                self.touched.push(k);
            }
            self.members_free[k] += 1;
        }
    }
}

/// A small objective for another free group: each solution then also moves the others, to one
/// end or the other (by a hash of the group and the sign), and shows their ranges too.
fn nudge(h: usize, sign: f64, free: usize) -> f64 {
    let bit = (h as u64 ^ sign.to_bits()).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 63;
    (if bit == 0 { 0.5 } else { -0.5 }) / free as f64
}

/// Widens each variable's seen range to hold `other`'s too.
fn record_ranges(seen: &mut [(f64, f64)], other: &[(f64, f64)]) {
    for (s, o) in seen.iter_mut().zip(other) {
        *s = (s.0.min(o.0), s.1.max(o.1));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::disclosure::{Disclosure, Margins};

    /// A trust's patients by area: 2,000 areas in 400 MSOAs of 5, each area in a decile drawn at
    /// random, counts 0 to 14 (most small); every decile and MSOA the sum of its areas, the total
    /// the sum of the deciles and of the MSOAs. Returns the counts (areas, deciles, MSOAs, total)
    /// and the sums.
    fn areas_in_deciles_and_msoas() -> (Vec<f64>, Margins) {
        let (areas, msoas) = (2_000, 400);
        let mut random = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            random % n
        };
        let deciles: Vec<usize> = (0..areas).map(|_| next(10) as usize).collect();
        let mut raw: Vec<f64> = (0..areas).map(|_| next(15) as f64).collect();
        let (first_decile, first_msoa, total) = (areas, areas + 10, areas + 10 + msoas);
        raw.resize(total + 1, 0.0);
        let mut margins = Margins::new();
        for d in 0..10 {
            let parts: Vec<usize> = (0..areas).filter(|&a| deciles[a] == d).collect();
            raw[first_decile + d] = parts.iter().map(|&a| raw[a]).sum();
            margins.add(parts, first_decile + d);
        }
        for m in 0..msoas {
            raw[first_msoa + m] = (m * 5..m * 5 + 5).map(|a| raw[a]).sum();
            margins.add(m * 5..m * 5 + 5, first_msoa + m);
        }
        raw[total] = raw[..areas].iter().sum();
        margins.add(first_decile..first_msoa, total);
        margins.add(first_msoa..total, total);
        (raw, margins)
    }

    #[test]
    fn programs_around_a_cell_give_tables_that_every_sum_allows() {
        let (raw, margins) = areas_in_deciles_and_msoas();
        let rule = Disclosure::default();
        let hidden = rule.primary(&raw);
        let start: Vec<Bounds> = (0..raw.len()).map(|i| rule.known(&raw, &hidden, &margins, i)).collect();
        let program = Program::new(&start, &raw, margins.relations(), |i| start[i].low < start[i].high);
        assert!(program.groups.len() > LOCAL_ABOVE, "{} groups: a large program", program.groups.len());
        let mut moved = 0;
        for g in (0..program.groups.len()).step_by(37) {
            let free = program.around(g, 8, 48);
            assert!(free.len() > 1 && free.len() <= 48 + 4, "{} groups around {g}", free.len());
            for sign in [1.0, -1.0] {
                let mut values = program.group_truth.clone();
                let local = program.solve_around(&free, g, sign).expect("the truth is a solution");
                free.iter().zip(local).for_each(|(&h, x)| values[h] = x);
                // Every sum of the whole program holds, and every group stays within its range.
                for (terms, constant) in &program.sums {
                    let sum: f64 = terms.iter().map(|&(h, s)| s * values[h]).sum();
                    assert!((sum - constant).abs() < 1e-6, "a sum broken: {sum} against {constant}");
                }
                for (h, &(low, high)) in program.bounds.iter().enumerate() {
                    assert!(values[h] >= low - 1e-6 && values[h] <= high + 1e-6, "group {h} out of its range");
                }
                moved += usize::from((values[g] - program.group_truth[g]).abs() > 0.5);
            }
        }
        assert!(moved > 20, "the programs around cells find room for them ({moved} moved)");
    }

    #[test]
    fn a_large_system_of_areas_in_deciles_and_msoas_is_protected_and_audited() {
        let (raw, margins) = areas_in_deciles_and_msoas();
        let rule = Disclosure::default();
        let primary = rule.primary(&raw);
        let hidden = rule.protect(&raw, &primary, &margins);
        let audit = rule.audit("areas", &raw, &hidden, &margins);
        assert!(audit.protected && audit.cells_unsolved == 0, "{audit:?}");
        assert_eq!(audit.narrowest_hidden_range.map(|n| n >= 6), Some(true), "{audit:?}");
        // The deciles and the total, what a board reads, stay published.
        assert!(hidden[2_000..2_010].iter().chain([&hidden[2_410]]).all(|h| !h), "a decile or the total hidden");
    }
}
