//! The solver behind both stages: exact min-cost max-flow by successive shortest paths in the
//! primal-dual form, over lexicographic costs (see the parent module's docs under "How").

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::{Add, Sub};

/// A lexicographic cost: `primary` first, `secondary` breaks its ties. Pairs of integers under
/// lexicographic order form an ordered group, so Dijkstra with potentials works on them as on
/// plain integers. Magnitudes stay far below `i64::MAX`: weights and fits are small, loads are
/// `u32`, and no path has more edges than the network has nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Cost {
    pub(super) primary: i64,
    pub(super) secondary: i64,
}

impl Cost {
    pub(super) const ZERO: Self = Self {
        primary: 0,
        secondary: 0,
    };
}

impl Add for Cost {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self {
            primary: self.primary + other.primary,
            secondary: self.secondary + other.secondary,
        }
    }
}

impl Sub for Cost {
    type Output = Self;

    fn sub(self, other: Self) -> Self {
        Self {
            primary: self.primary - other.primary,
            secondary: self.secondary - other.secondary,
        }
    }
}

/// One direction of a residual edge; edge `id ^ 1` is its reverse.
struct FlowEdge {
    to: usize,
    residual: i64,
    cost: Cost,
}

/// A flow network for min-cost max-flow by successive shortest paths.
pub(super) struct FlowNetwork {
    edges: Vec<FlowEdge>,
    outgoing: Vec<Vec<usize>>,
}

impl FlowNetwork {
    pub(super) fn new(n_nodes: usize) -> Self {
        Self {
            edges: Vec::new(),
            outgoing: vec![Vec::new(); n_nodes],
        }
    }

    /// Adds `from → to` with non-negative `cost` and returns its id for [`FlowNetwork::flow`].
    pub(super) fn add_edge(&mut self, from: usize, to: usize, capacity: i64, cost: Cost) -> usize {
        let id = self.edges.len();
        self.edges.push(FlowEdge {
            to,
            residual: capacity,
            cost,
        });
        self.edges.push(FlowEdge {
            to: from,
            residual: 0,
            cost: Cost::ZERO - cost,
        });
        if let Some(list) = self.outgoing.get_mut(from) {
            list.push(id);
        }
        if let Some(list) = self.outgoing.get_mut(to) {
            list.push(id + 1);
        }
        id
    }

    /// The flow on edge `id`: what its reverse could send back.
    pub(super) fn flow(&self, id: usize) -> i64 {
        self.edges.get(id ^ 1).map_or(0, |reverse| reverse.residual)
    }

    /// Pushes a maximum flow of minimum cost from `source` to `sink` (primal-dual successive
    /// shortest paths).
    ///
    /// Each phase runs Dijkstra on reduced costs `cost + potential[from] − potential[to]` (all
    /// costs start non-negative, so zero potentials are valid at first) and raises the potentials
    /// by the distances found. Then every path of *tight* edges (reduced cost 0) from source to sink
    /// is a cheapest augmenting path, so the phase augments along such paths, found by depth-first
    /// search, until none is left; only then does it pay for another Dijkstra. Augmenting a tight
    /// path adds only tight reverse edges, so reduced costs stay non-negative throughout.
    ///
    /// Dijkstra stops as soon as the sink is settled, at distance `d`; every potential then grows
    /// by `min(distance, d)`, with `d` for nodes not reached. Reduced costs stay non-negative: an
    /// edge out of a settled node was relaxed, so its head is at most that far; an edge out of any
    /// other node starts from `d`, the most any node gains. Both shortcuts keep the result exact
    /// and are what make the 1,000-student case fast: most phases touch a small part of the graph.
    pub(super) fn run(&mut self, source: usize, sink: usize) {
        let n_nodes = self.outgoing.len();
        let mut potential = vec![Cost::ZERO; n_nodes];
        let mut distance: Vec<Option<Cost>> = vec![None; n_nodes];
        // Settling each node once bounds every Dijkstra by the edge count, whatever the costs.
        let mut settled = vec![false; n_nodes];
        let mut via: Vec<Option<usize>> = vec![None; n_nodes];
        let mut queue = BinaryHeap::new();
        loop {
            distance.fill(None);
            settled.fill(false);
            queue.clear();
            distance[source] = Some(Cost::ZERO);
            queue.push(Reverse((Cost::ZERO, source)));
            while let Some(Reverse((reached, node))) = queue.pop() {
                if settled[node] {
                    continue;
                }
                settled[node] = true;
                if node == sink {
                    break;
                }
                for &edge_id in &self.outgoing[node] {
                    let edge = &self.edges[edge_id];
                    if edge.residual <= 0 || settled[edge.to] {
                        continue;
                    }
                    let candidate = reached + edge.cost + potential[node] - potential[edge.to];
                    if distance[edge.to].is_none_or(|best| candidate < best) {
                        distance[edge.to] = Some(candidate);
                        queue.push(Reverse((candidate, edge.to)));
                    }
                }
            }
            let Some(to_sink) = distance[sink] else {
                return;
            };
            for (node_potential, node_distance) in potential.iter_mut().zip(&distance) {
                let gained = node_distance.map_or(to_sink, |reached| reached.min(to_sink));
                *node_potential = *node_potential + gained;
            }
            while self.find_tight_path(source, sink, &potential, &mut via) {
                self.augment(source, sink, &via);
            }
        }
    }

    /// Depth-first search from `source` to `sink` over edges with room and reduced cost 0,
    /// recording in `via` the edge that reached each node. Returns whether the sink was reached.
    fn find_tight_path(
        &self,
        source: usize,
        sink: usize,
        potential: &[Cost],
        via: &mut [Option<usize>],
    ) -> bool {
        via.fill(None);
        let mut visited = vec![false; self.outgoing.len()];
        let mut next_edge = vec![0; self.outgoing.len()];
        let mut stack = vec![source];
        visited[source] = true;
        while let Some(&node) = stack.last() {
            if node == sink {
                return true;
            }
            let mut advanced = false;
            while let Some(&edge_id) = self.outgoing[node].get(next_edge[node]) {
                next_edge[node] += 1;
                let edge = &self.edges[edge_id];
                if edge.residual > 0
                    && !visited[edge.to]
                    && edge.cost + potential[node] - potential[edge.to] == Cost::ZERO
                {
                    visited[edge.to] = true;
                    via[edge.to] = Some(edge_id);
                    stack.push(edge.to);
                    advanced = true;
                    break;
                }
            }
            if !advanced {
                stack.pop();
            }
        }
        false
    }

    /// Sends as much as fits along the path `via` records from `sink` back to `source`.
    fn augment(&mut self, source: usize, sink: usize, via: &[Option<usize>]) {
        let mut bottleneck = i64::MAX;
        let mut node = sink;
        while let Some(edge_id) = via[node].filter(|_| node != source) {
            bottleneck = bottleneck.min(self.edges[edge_id].residual);
            node = self.edges[edge_id ^ 1].to;
        }
        let mut node = sink;
        while let Some(edge_id) = via[node].filter(|_| node != source) {
            self.edges[edge_id].residual -= bottleneck;
            self.edges[edge_id ^ 1].residual += bottleneck;
            node = self.edges[edge_id ^ 1].to;
        }
    }
}
