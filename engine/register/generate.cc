#include "register/generate.h"

#include <algorithm>
#include <array>

#include "core/error.h"
#include "register/rules_bundle.h"
#include "store/create.h"

namespace riskreg {

namespace {

/// splitmix64: small, fast and the same on every platform (the standard distributions
/// are not), so a seed names one register everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n).
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  /// Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  template <typename T, size_t N>
  const T& pick(const std::array<T, N>& a) {
    return a[below(N)];
  }

 private:
  uint64_t s_;
};

constexpr std::array<const char*, 12> kPlaces = {"Darlington",    "Hartlepool",  "Stockton",   "Redcar",
                                                 "Middlesbrough", "Durham",      "Gateshead",  "Sunderland",
                                                 "Tynedale",      "Wear Valley", "Sedgefield", "Teesdale"};
constexpr std::array<const char*, 8> kServices = {
    "Children's Services", "Adult Social Care",    "Housing", "Highways", "Finance", "Public Health",
    "Education",           "Waste and Environment"};
constexpr std::array<const char*, 16> kCauses = {"Loss of",
                                                 "Failure of",
                                                 "Delay to",
                                                 "Overspend on",
                                                 "Shortage of",
                                                 "Breach of",
                                                 "Disruption to",
                                                 "Legal challenge to",
                                                 "Poor quality of",
                                                 "Reduced funding for",
                                                 "Key staff leaving",
                                                 "Data loss in",
                                                 "Contractor failure in",
                                                 "Inspection failure of",
                                                 "Demand exceeding",
                                                 "Partnership breakdown in"};
constexpr std::array<const char*, 16> kSubjects = {"safeguarding referrals",
                                                   "school places",
                                                   "the capital programme",
                                                   "care placements",
                                                   "the ICT network",
                                                   "frontline staffing",
                                                   "the savings plan",
                                                   "partner agencies",
                                                   "fostering capacity",
                                                   "transport contracts",
                                                   "the youth service",
                                                   "building maintenance",
                                                   "the case management system",
                                                   "early years provision",
                                                   "emergency planning",
                                                   "income collection"};
constexpr std::array<const char*, 12> kFirst = {"Alex", "Sam", "Jo",  "Chris", "Pat", "Jan",
                                                "Lee",  "Kim", "Ash", "Robin", "Nat", "Mel"};
constexpr std::array<const char*, 12> kLast = {"Walker", "Lefevre", "Hughes", "Patel",  "Nowak", "Okafor",
                                               "Brown",  "Singh",   "Evans",  "Murray", "Kaur",  "Dunn"};
constexpr std::array<const char*, 8> kRoles = {"Head of Service",    "Assistant Director", "Service Manager",
                                               "Finance Manager",    "Principal Officer",  "Team Leader",
                                               "Commissioning Lead", "Performance Officer"};
constexpr std::array<const char*, 8> kReasons = {
    "Quarterly review",  "New inspection findings",  "Budget position changed", "Controls now in place",
    "Incident reported", "Partner capacity changed", "Demand forecast revised", "Audit recommendation"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/// A rank on a scale of `n` levels, binomial around the middle: registers crowd the centre
/// of the matrix and thin out at the corners.
int spread_rank(Rng& rng, int n, double p) {
  int r = 0;
  for (int i = 1; i < n; ++i) r += rng.chance(p);
  return r;
}

std::string person(Rng& rng) { return std::string(rng.pick(kFirst)) + " " + rng.pick(kLast); }

}  // namespace

SyntheticRegister synthesize(const Matrix& m, int64_t n, uint64_t seed, int bodies, Timestamp created,
                             const std::string& by) {
  if (n < 1) throw Error(ErrorKind::InvalidInput, "--risks must be at least 1");
  if (bodies <= 0) bodies = static_cast<int>(std::clamp<int64_t>(n / 1000, 1, 1000));
  if (bodies > n) bodies = static_cast<int>(n);
  Rng rng(seed);
  SyntheticRegister out;
  RegisterData& d = out.data;
  d.info.name = "Synthetic register (" + std::to_string(n) + " risks, seed " + std::to_string(seed) + ")";
  d.info.body = bodies == 1 ? std::string(kPlaces[seed % kPlaces.size()]) + " Borough Council"
                            : std::to_string(bodies) + " synthetic public bodies";
  d.info.period = "synthetic";
  d.info.sources = {"riskreg generate --risks " + std::to_string(n) + " --seed " + std::to_string(seed)};
  d.info.risk_manager = person(rng);

  // Bodies: a name, a pool of owners and officers, and four objectives each.
  struct Body {
    std::string name;
    std::vector<std::string> people;
    std::vector<std::string> objectives;
  };
  std::vector<Body> body(static_cast<size_t>(bodies));
  for (int b = 0; b < bodies; ++b) {
    Body& bd = body[b];
    bd.name = std::string(kPlaces[b % kPlaces.size()]) + " " + kServices[(b / kPlaces.size()) % kServices.size()];
    if (b >= static_cast<int>(kPlaces.size() * kServices.size())) bd.name += " " + std::to_string(b + 1);
    for (int i = 0; i < 8; ++i) bd.people.push_back(person(rng) + " (" + rng.pick(kRoles) + ")");
    for (int o = 0; o < 4; ++o) {
      Objective obj;
      obj.id = "O" + std::to_string(b * 4 + o + 1);
      obj.number = b * 4 + o + 1;
      obj.title = bd.name + ": objective " + std::to_string(o + 1);
      obj.pis = {"PI-" + std::to_string(b + 1) + "." + std::to_string(o + 1)};
      obj.pis_as_written = obj.pis[0];
      bd.objectives.push_back(obj.id);
      d.objectives.push_back(std::move(obj));
    }
  }
  auto body_of = [&](int64_t i) { return static_cast<size_t>(i * bodies / n); };

  // Risks: ids R1..Rn, contiguous per body.
  d.risks.resize(static_cast<size_t>(n));
  const int nl = m.likelihood.size(), ni = m.impact.size();
  std::vector<Cell> current(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    Risk& r = d.risks[i];
    const Body& bd = body[body_of(i)];
    r.id = "R" + std::to_string(i + 1);
    r.number = static_cast<int>(i + 1);
    r.title = std::string(rng.pick(kCauses)) + " " + rng.pick(kSubjects);
    r.heading = bd.name;
    Cell c{spread_rank(rng, nl, 0.45), spread_rank(rng, ni, 0.45)};
    current[i] = c;
    r.current = m.codes(c);
    if (rng.chance(0.7))  // a target one or two steps less severe on each scale
      r.target = m.codes({std::max(0, c.likelihood - static_cast<int>(rng.below(3))),
                          std::max(0, c.impact - static_cast<int>(rng.below(3)))});
    if (rng.chance(0.8)) r.owner = bd.people[rng.below(bd.people.size())];
    if (rng.chance(0.5)) r.controls = {"Monthly monitoring by " + bd.people[rng.below(bd.people.size())]};
  }

  // Priorities: about two thirds of risks are mitigated, in groups of one to three
  // neighbouring risks of a body; each priority has up to four actions.
  int64_t next_priority = 0;
  for (int64_t i = 0; i < n;) {
    int64_t group = 1 + static_cast<int64_t>(rng.below(3));
    if (!rng.chance(0.65)) {
      i += group;
      continue;
    }
    const Body& bd = body[body_of(i)];
    Priority p;
    ++next_priority;
    p.id = "P" + std::to_string(next_priority);
    p.number = std::to_string(next_priority);
    p.title = "Reduce exposure: " + d.risks[i].title;
    p.heading = bd.name;
    p.departmental_objectives = {bd.objectives[rng.below(bd.objectives.size())]};
    p.departmental_objectives_as_written = p.departmental_objectives[0];
    for (int64_t k = i; k < std::min(n, i + group); ++k) p.risks.push_back(d.risks[k].id);
    p.risks_as_written = p.risks.front();
    int actions = static_cast<int>(rng.below(5));
    for (int a = 0; a < actions; ++a) {
      Action act;
      act.id = p.id + "-A" + std::to_string(a + 1);
      act.priority_id = p.id;
      act.text = "Action " + std::to_string(a + 1) + " on " + p.title;
      int officers = 1 + static_cast<int>(rng.below(2));
      for (int o = 0; o < officers; ++o) act.lead_officers.push_back(bd.people[rng.below(bd.people.size())]);
      act.lead_officers_as_written = act.lead_officers.front();
      int year = 25 + static_cast<int>(rng.below(4));
      act.completion = std::string(rng.pick(kMonths)) + " " + std::to_string(year);
      act.milestones = {"Plan agreed", "Review " + act.completion};
      act.pis = {"PI-" + std::to_string(body_of(i) + 1) + "." + std::to_string(1 + rng.below(12))};
      act.pis_as_written = act.pis[0];
      act.targets = std::to_string(50 + rng.below(50)) + "%";
      p.actions.push_back(std::move(act));
    }
    d.priorities.push_back(std::move(p));
    i += group;
  }

  // Feed links. Out-degree: none for about a third, else geometric (mean ~1.7); targets are
  // mostly neighbours in the same body, sometimes a hub (skewed towards early risks), so
  // in-degree is heavy-tailed. Hub links run backwards, closing cycles; one explicit
  // three-risk loop per 1,000 risks makes sure every register of three or more has one.
  std::vector<int64_t> targets;
  auto add_feed = [&](int64_t from, int64_t to) {
    if (from == to || to < 0 || to >= n) return;
    if (std::find(targets.begin(), targets.end(), to) != targets.end()) return;
    targets.push_back(to);
    Feed f;
    f.from = d.risks[from].id;
    f.to = d.risks[to].id;
    bool stated = rng.chance(0.1);
    f.basis = stated ? "stated" : "inferred";
    f.evidence = stated ? "stated in the plan" : "shared cause";
    if (rng.chance(0.2)) f.transition_probability = 0.05 + 0.25 * rng.unit();
    d.feeds.push_back(std::move(f));
  };
  for (int64_t i = 0; i < n; ++i) {
    targets.clear();
    size_t first_feed = d.feeds.size();
    if (n >= 3 && i % 1000 == 0 && i + 2 < n) {
      add_feed(i, i + 1);  // the loop i -> i+1 -> i+2 -> i
    } else if (n >= 3 && i % 1000 == 1 && i + 1 < n) {
      add_feed(i, i + 1);
    } else if (n >= 3 && i % 1000 == 2) {
      add_feed(i, i - 2);
    }
    int degree = 0;
    if (rng.chance(0.65))
      for (degree = 1; degree < 20 && rng.chance(0.42);) ++degree;
    for (int e = 0; e < degree; ++e) {
      if (rng.chance(0.75)) {
        add_feed(i, i + 1 + static_cast<int64_t>(rng.below(20)));
      } else {
        double u = rng.unit();
        add_feed(i, static_cast<int64_t>(static_cast<double>(n) * u * u * u * u));
      }
    }
    // In (from, to) order, as the store returns them.
    std::vector<size_t> order(targets.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return targets[a] < targets[b]; });
    std::vector<Feed> sorted;
    for (size_t k : order) sorted.push_back(std::move(d.feeds[first_feed + k]));
    std::move(sorted.begin(), sorted.end(), d.feeds.begin() + static_cast<std::ptrdiff_t>(first_feed));
  }

  // Re-scores: about two in five risks re-scored at least once, a step at a time.
  struct Pending {
    int64_t day;
    int64_t risk;
    Cell score;
    const char* reason;
  };
  std::vector<Pending> pending;
  for (int64_t i = 0; i < n; ++i) {
    Cell c = current[i];
    int64_t day = 0;
    while (rng.chance(0.4) && day < 700) {
      day += 1 + static_cast<int64_t>(rng.below(180));
      if (day > 729) break;
      if (rng.chance(0.5))
        c.likelihood = std::clamp(c.likelihood + (rng.chance(0.5) ? 1 : -1), 0, nl - 1);
      else
        c.impact = std::clamp(c.impact + (rng.chance(0.5) ? 1 : -1), 0, ni - 1);
      pending.push_back({day, i, c, rng.pick(kReasons)});
    }
  }
  std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) { return a.day < b.day; });
  out.rescores.reserve(pending.size());
  for (const auto& p : pending)
    out.rescores.push_back(
        {d.risks[p.risk].id, m.codes(p.score), by, created + std::chrono::days(p.day), p.reason, std::nullopt});
  return out;
}

GenerateResult generate_register(const GenerateRequest& req, const Clock& clock) {
  auto rules = read_rules_dir(req.rules_dir);
  validate_rules(rules);  // as init: nothing is written with a rules file a command would refuse
  validate_templates(req.rules_dir);
  Matrix matrix = matrix_from(rules);
  refuse_existing(req.db_path, req.force);  // before the synthesis, which takes a while on a large register
  // Two years of history ending now, on whole days so the same seed and date give the same register.
  Timestamp created = std::chrono::floor<std::chrono::days>(clock.now()) - std::chrono::days(730);
  SyntheticRegister reg = synthesize(matrix, req.risks, req.seed, req.bodies, created, req.by);
  const std::string reason = "Synthetic register, seed " + std::to_string(req.seed);
  GenerateResult result;
  result.rescores = static_cast<int64_t>(reg.rescores.size());
  result.matrix_name = matrix.name;

  result.counts = create_store(
      req.db_path, {std::move(reg.data), std::move(rules), req.by, created, reason, std::move(reg.rescores)},
      req.force);
  return result;
}

}  // namespace riskreg
