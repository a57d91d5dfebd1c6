// A small directed graph with iterative Tarjan SCCs and shortest paths (no recursion: 10 000-deep chains are fine).
#pragma once

#include <algorithm>
#include <deque>
#include <utility>
#include <vector>

namespace phasegate::engine::check {

class Graph {
 public:
  explicit Graph(std::size_t n) : adj_(n) {}

  void add(int from, int to) { adj_[static_cast<std::size_t>(from)].push_back(to); }
  bool has_edge(int from, int to) const {
    const auto& a = adj_[static_cast<std::size_t>(from)];
    return std::find(a.begin(), a.end(), to) != a.end();
  }
  const std::vector<int>& out(int v) const { return adj_[static_cast<std::size_t>(v)]; }
  std::size_t size() const { return adj_.size(); }

  // Strongly connected components; a component comes after every component it
  // has edges to (edges point from user to dependency: dependencies first).
  // Members of a component are sorted.
  std::vector<std::vector<int>> sccs() const {
    const int n = static_cast<int>(adj_.size());
    std::vector<int> index(adj_.size(), -1), low(adj_.size(), 0);
    std::vector<bool> on_stack(adj_.size(), false);
    std::vector<int> stack;
    std::vector<std::vector<int>> result;
    int counter = 0;
    std::vector<std::pair<int, std::size_t>> call;  // (vertex, next edge)
    for (int root = 0; root < n; ++root) {
      if (index[static_cast<std::size_t>(root)] >= 0) continue;
      call.emplace_back(root, 0);
      while (!call.empty()) {
        auto& [v, next] = call.back();
        auto vi = static_cast<std::size_t>(v);
        if (next == 0 && index[vi] < 0) {
          index[vi] = low[vi] = counter++;
          stack.push_back(v);
          on_stack[vi] = true;
        }
        if (next < adj_[vi].size()) {
          int w = adj_[vi][next++];
          auto wi = static_cast<std::size_t>(w);
          if (index[wi] < 0) {
            call.emplace_back(w, 0);
          } else if (on_stack[wi]) {
            low[vi] = std::min(low[vi], index[wi]);
          }
          continue;
        }
        if (low[vi] == index[vi]) {
          std::vector<int> comp;
          int w;
          do {
            w = stack.back();
            stack.pop_back();
            on_stack[static_cast<std::size_t>(w)] = false;
            comp.push_back(w);
          } while (w != v);
          std::sort(comp.begin(), comp.end());
          result.push_back(std::move(comp));
        }
        int done = v;
        call.pop_back();
        if (!call.empty()) {
          auto pi = static_cast<std::size_t>(call.back().first);
          low[pi] = std::min(low[pi], low[static_cast<std::size_t>(done)]);
        }
      }
    }
    return result;
  }

  // A shortest path from `from` to `to` (inclusive) using only vertices with allowed[v]; empty when none.
  std::vector<int> path(int from, int to, const std::vector<bool>& allowed) const {
    std::vector<int> prev(adj_.size(), -2);
    std::deque<int> q{from};
    prev[static_cast<std::size_t>(from)] = -1;
    while (!q.empty()) {
      int v = q.front();
      q.pop_front();
      if (v == to) break;
      for (int w : adj_[static_cast<std::size_t>(v)]) {
        auto wi = static_cast<std::size_t>(w);
        if (prev[wi] != -2 || !allowed[wi]) continue;
        prev[wi] = v;
        q.push_back(w);
      }
    }
    if (prev[static_cast<std::size_t>(to)] == -2) return {};
    std::vector<int> p;
    for (int v = to; v != -1; v = prev[static_cast<std::size_t>(v)]) p.push_back(v);
    std::reverse(p.begin(), p.end());
    return p;
  }

 private:
  std::vector<std::vector<int>> adj_;
};

}  // namespace phasegate::engine::check
