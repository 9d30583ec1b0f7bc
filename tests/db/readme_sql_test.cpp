// The example queries of README.md ("Persistence and the SQL interface") are part of the
// public SQL interface: each one runs here against a schema migrated by db::migrate (as the
// component migrates at start) and seeded with a small known data set, and gives exactly
// the rows written below under its title. The README is the only copy of the SQL: the test
// reads every ```sql block of that section and splits it on the `-- title` comment lines.
//
// A query added to the README needs its expected rows in kExpected (the failure prints what
// it returns on the seed); a query removed from it must leave kExpected too.
//
// Times are relative to the transaction's now() and current_date (TimeZone UTC), so the
// queries' "yesterday", "this week" and "this month" hold on any day: the seed and the
// expected rows name them as {anchor}s (kAnchors), replaced by their values first. Seed,
// anchors and queries run in one transaction, so now() is one instant throughout.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "db/migrator.hpp"
#include "tests/db/db_test_support.hpp"

namespace db::test {
namespace {

constexpr const char* kSection = "## Persistence and the SQL interface";

// Each anchor is a timestamptz; the seed may rely on the order and windows noted.
const std::vector<std::pair<std::string, std::string>> kAnchors = {
    {"now", "now()"},
    // Before this week (the README's `now() - interval '7 days'`), and before this month.
    {"week_ago", "now() - interval '8 days'"},
    {"last_month",
     "least(date_trunc('month', now()) - interval '1 hour', now() - interval '8 days')"},
    {"last_month_retracted",
     "least(date_trunc('month', now()) - interval '1 hour', now() - interval '8 days') "
     "+ interval '1 minute'"},
    // Yesterday is [current_date - 1, current_date); both ends are seeded.
    {"before_yesterday", "(current_date - 1)::timestamptz - interval '1 second'"},
    {"yesterday_start", "(current_date - 1)::timestamptz"},
    {"yesterday_10", "(current_date - 1) + time '10:00'"},
    {"yesterday_11", "(current_date - 1) + time '11:00'"},
    {"yesterday_12", "(current_date - 1) + time '12:00'"},
    {"yesterday_13", "(current_date - 1) + time '13:00'"},
    {"today", "current_date::timestamptz"},
    // This month, in this order, at or after yesterday 11:00 and before now.
    {"retracted_zed", "greatest(date_trunc('month', now()), (current_date - 1) + time '11:00')"},
    {"retracted_eve",
     "now() - (now() - greatest(date_trunc('month', now()), (current_date - 1) + time "
     "'13:00')) / 2"},
};

// Two domains share the tables (README, "Two instances for two domains, one database"): lounge@
// exists on both. Room 3 was destroyed by its owner (a tombstone), room 5 retired when it emptied.
constexpr const char* kSeed = R"SQL(
INSERT INTO rooms (id, jid, creator, created_at, updated_at, destroyed_at, destroyed_by,
                   destroy_reason, alternate_venue, tombstone, name, description, language,
                   persistent, public_room, change_subject, allow_invites, allow_pm,
                   members_only, moderated, password_protected, password, max_users, whois,
                   presence_broadcast, get_member_list, history_length, enable_logging)
VALUES
  (1, 'lounge@conference.example.org', 'alice@example.org', '{last_month}', '{last_month}',
   NULL, NULL, NULL, NULL, false, 'Lounge', 'Anyone welcome', 'en', true, true, false, false,
   'anyone', false, false, false, '', 0, 'moderators', '{moderator,participant,visitor}',
   '{moderator,participant}', 20, false),
  (2, 'staff@conference.example.org', 'alice@example.org', '{last_month}', '{week_ago}',
   NULL, NULL, NULL, NULL, false, 'Staff', 'Members only', 'en', true, false, false, false,
   'participants', true, false, false, '', 50, 'anyone', '{moderator,participant,visitor}',
   '{moderator}', 20, false),
  (3, 'old@conference.example.org', 'alice@example.org', '{last_month}', '{last_month}',
   '{week_ago}', 'alice@example.org', 'moved', 'staff@conference.example.org', true, 'Old',
   '', 'en', true, false, false, false, 'anyone', true, false, false, '', 0, 'moderators',
   '{moderator,participant,visitor}', '{moderator}', 20, false),
  (4, 'lounge@conference.b.example', 'dave@b.example', '{last_month}', '{last_month}',
   NULL, NULL, NULL, NULL, false, 'B Lounge', '', 'en', true, true, false, false, 'anyone',
   true, false, false, '', 0, 'moderators', '{moderator,participant,visitor}',
   '{moderator}', 20, false),
  (5, 'party@conference.example.org', 'bob@example.org', '{yesterday_10}', '{yesterday_10}',
   '{yesterday_13}', NULL, NULL, NULL, false, 'Party', '', 'en', false, true, false, false,
   'anyone', false, false, false, '', 0, 'moderators', '{moderator,participant,visitor}',
   '{moderator}', 20, true);

INSERT INTO affiliations (room_id, jid, affiliation, reason, granted_by, granted_at) VALUES
  (1, 'alice@example.org', 'owner', NULL, NULL, '{last_month}'),
  (1, 'bob@example.org', 'admin', NULL, 'alice@example.org', '{last_month}'),
  (1, 'eve@example.org', 'outcast', 'spam', 'alice@example.org', '{yesterday_11}'),
  (2, 'alice@example.org', 'owner', NULL, NULL, '{last_month}'),
  (2, 'bob@example.org', 'owner', NULL, 'alice@example.org', '{last_month}'),
  (2, 'carol@example.org', 'member', NULL, 'bob@example.org', '{week_ago}'),
  (2, 'mallory@example.net', 'outcast', 'flooding', 'bob@example.org', '{week_ago}'),
  (3, 'alice@example.org', 'owner', NULL, NULL, '{last_month}'),
  (3, 'eve@example.org', 'outcast', 'old ban', 'alice@example.org', '{week_ago}'),
  (4, 'dave@b.example', 'owner', NULL, NULL, '{last_month}');

INSERT INTO registered_nicks (room_id, jid, nick, registered_at) VALUES
  (2, 'carol@example.org', 'Carol', '{week_ago}');

INSERT INTO subjects (room_id, text, nick, set_by, set_at) VALUES
  (1, 'Welcome', 'Alice', 'alice@example.org', '{yesterday_12}');

-- Kinds of row: a message (body), a tombstone (retracted_at, body NULL), a subject change
-- (subject, body NULL). Ids 3 and 4 share a time: the queries order by sent_at, id.
INSERT INTO messages (id, room_id, sender_nick, sender_jid, message_id, body, stanza_xml,
                      sent_at, stanza_id, retracted_at, retracted_by, retract_reason, subject)
VALUES
  (1, 1, 'Alice', 'alice@example.org', NULL, NULL, '<message><subject>Old topic</subject></message>',
   '{week_ago}', 's-01', NULL, NULL, NULL, 'Old topic'),
  (2, 1, 'Alice', 'alice@example.org', 'c2', 'last week', '<message><body>last week</body></message>',
   '{week_ago}', 's-02', NULL, NULL, NULL, NULL),
  (3, 1, 'Bob', 'bob@example.org', 'c3', 'late night', '<message><body>late night</body></message>',
   '{before_yesterday}', 's-03', NULL, NULL, NULL, NULL),
  (4, 1, 'Alice', 'alice@example.org', 'c4', 'good morning', '<message><body>good morning</body></message>',
   '{yesterday_start}', 's-04', NULL, NULL, NULL, NULL),
  (5, 1, 'Eve', 'eve@example.org', 'c5', NULL, '<message><retracted id=''s-05''/></message>',
   '{yesterday_10}', 's-05', '{retracted_eve}', 'alice@example.org', 'spam', NULL),
  (6, 1, 'Bob', 'bob@example.org', 'c6', 'same second', '<message><body>same second</body></message>',
   '{yesterday_10}', 's-06', NULL, NULL, NULL, NULL),
  (7, 1, 'Alice', 'alice@example.org', NULL, NULL, '<message><subject>Welcome</subject></message>',
   '{yesterday_12}', 's-07', NULL, NULL, NULL, 'Welcome'),
  (8, 1, 'Carol', 'carol@example.org', 'c8', NULL, '<message><retracted id=''s-08''/></message>',
   '{yesterday_13}', 's-08', '{now}', 'carol@example.org', NULL, NULL),
  (9, 1, 'Bob', 'bob@example.org', 'c9', 'new day', '<message><body>new day</body></message>',
   '{today}', 's-09', NULL, NULL, NULL, NULL),
  (10, 1, 'Carol', 'carol@example.org', 'c10', 'retracted a message', '<message><retract id=''s-08''/></message>',
   '{now}', 's-10', NULL, NULL, NULL, NULL),
  (11, 2, 'Mallory', 'mallory@example.net', 'c11', NULL, '<message><retracted id=''s-11''/></message>',
   '{last_month}', 's-11', '{last_month_retracted}', 'bob@example.org', 'flood', NULL),
  (12, 2, 'Bob', 'bob@example.org', NULL, NULL, '<message><subject/></message>',
   '{yesterday_12}', 's-12', NULL, NULL, NULL, ''),
  (13, 2, 'Bob', 'bob@example.org', 'c13', 'meeting at 3', '<message><body>meeting at 3</body></message>',
   '{yesterday_13}', 's-13', NULL, NULL, NULL, NULL),
  (14, 2, 'Carol', 'carol@example.org', 'c14', 'hi', '<message><body>hi</body></message>',
   '{today}', 's-14', NULL, NULL, NULL, NULL),
  (15, 4, 'Zed', 'zed@b.example', 'c15', NULL, '<message><retracted id=''s-15''/></message>',
   '{yesterday_10}', 's-15', '{retracted_zed}', 'dave@b.example', NULL, NULL),
  (16, 3, 'Alice', 'alice@example.org', 'c16', 'moving out', '<message><body>moving out</body></message>',
   '{last_month}', 's-16', NULL, NULL, NULL, NULL);

-- Role changes name the occupant's nick, not the JID; tmp@ never had a row (room_id NULL).
INSERT INTO audit_log (room_id, room_jid, actor, action, target, old_value, new_value, reason, at)
VALUES
  (3, 'old@conference.example.org', 'alice@example.org', 'affiliation', 'eve@example.org',
   'none', 'outcast', 'old ban', '{week_ago}'),
  (3, 'old@conference.example.org', 'alice@example.org', 'destroy', NULL, NULL,
   'staff@conference.example.org', 'moved', '{week_ago}'),
  (2, 'staff@conference.example.org', 'bob@example.org', 'affiliation', 'carol@example.org',
   'none', 'member', NULL, '{week_ago}'),
  (1, 'lounge@conference.example.org', 'alice@example.org', 'role', 'Eve', 'participant',
   'visitor', NULL, '{yesterday_10}'),
  (1, 'lounge@conference.example.org', 'alice@example.org', 'affiliation', 'eve@example.org',
   'none', 'outcast', 'spam', '{yesterday_11}'),
  (NULL, 'tmp@conference.example.org', 'bob@example.org', 'affiliation', 'eve@example.org',
   'none', 'member', NULL, '{yesterday_13}'),
  (1, 'lounge@conference.example.org', 'alice@example.org', 'retract', 'eve@example.org',
   NULL, 's-05', 'spam', '{retracted_eve}'),
  (4, 'lounge@conference.b.example', 'dave@b.example', 'retract', 'zed@b.example', NULL,
   's-15', NULL, '{retracted_zed}');
)SQL";

// Rows as `a|b|c`, NULL as NULL, in the query's order (sorted on both sides when the query
// has no ORDER BY).
const std::map<std::string, std::vector<std::string>> kExpected = {
    {"Who banned whom, when, and why?",
     {
         "lounge@conference.example.org|eve@example.org|alice@example.org|{yesterday_11}|spam",
         "staff@conference.example.org|mallory@example.net|bob@example.org|{week_ago}|flooding",
     }},
    {"Which rooms are members-only, and who owns them?",
     {
         "lounge@conference.b.example|B Lounge|dave@b.example",
         "staff@conference.example.org|Staff|alice@example.org",
         "staff@conference.example.org|Staff|bob@example.org",
     }},
    // The tombstone of Eve's message shows as a NULL body; subject changes are left out.
    {"What was said in a room yesterday?",
     {
         "{yesterday_start}|Alice|good morning",
         "{yesterday_10}|Eve|NULL",
         "{yesterday_10}|Bob|same second",
         "{yesterday_13}|Carol|NULL",
     }},
    // Every archived row counts: subject changes, tombstones, the retraction itself.
    {"The busiest rooms this week.",
     {
         "lounge@conference.example.org|8",
         "staff@conference.example.org|3",
         "lounge@conference.b.example|1",
     }},
    // Not Carol's own retraction, not Mallory's of last month.
    {"Which messages did moderators remove this month, and why?",
     {
         "lounge@conference.b.example|zed@b.example|dave@b.example|{retracted_zed}|NULL",
         "lounge@conference.example.org|eve@example.org|alice@example.org|{retracted_eve}|spam",
     }},
    {"Who changed a room's subject, to what, and when?",
     {
         "{week_ago}|Alice|alice@example.org|Old topic",
         "{yesterday_12}|Alice|alice@example.org|Welcome",
     }},
    // In every room, destroyed or never stored; not the role change, which names the nick.
    {"Everything done to one user, everywhere.",
     {
         "{week_ago}|old@conference.example.org|alice@example.org|affiliation|none|outcast|old ban",
         "{yesterday_11}|lounge@conference.example.org|alice@example.org|affiliation|none|outcast|"
         "spam",
         "{yesterday_13}|tmp@conference.example.org|bob@example.org|affiliation|none|member|NULL",
         "{retracted_eve}|lounge@conference.example.org|alice@example.org|retract|NULL|s-05|spam",
     }},
    // Live rooms only: not old@ or party@.
    {"How many live rooms has each service (several domains may share the database)?",
     {
         "conference.b.example|1",
         "conference.example.org|2",
     }},
    // Not party@, which emptied and left no tombstone.
    {"Which rooms did their owners destroy, and where did they move?",
     {
         "old@conference.example.org|{week_ago}|alice@example.org|moved|"
         "staff@conference.example.org",
     }},
};

struct Query {
  std::string title;
  std::string sql;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// The ```sql blocks of the section, split into titled queries. A comment line starts a new
// query when the one before has ended (`;`), continues the title while no SQL follows yet,
// and is part of the statement otherwise. Problems go to `errors`.
std::vector<Query> readme_queries(const std::string& readme, std::vector<std::string>& errors) {
  std::istringstream in(readme);
  std::string line;
  bool in_section = false, in_sql = false, found_section = false;
  std::vector<Query> out;
  Query cur;
  auto flush = [&] {
    cur.sql = trim(cur.sql);
    if (cur.title.empty() && !cur.sql.empty()) {
      errors.push_back("a query has no `-- title` line before it:\n" + cur.sql);
    } else if (!cur.title.empty() && cur.sql.empty()) {
      errors.push_back("the title \"" + cur.title + "\" has no query after it");
    } else if (!cur.title.empty()) {
      out.push_back(cur);
    }
    cur = Query{};
  };
  bool in_fence = false;  // any ``` block; in_sql when it is a ```sql block of the section
  while (std::getline(in, line)) {
    const std::string t = trim(line);
    if (!in_fence) {
      if (line.starts_with("## ")) {
        in_section = t == kSection;
        found_section = found_section || in_section;
      } else if (t.starts_with("```")) {
        in_fence = true;
        in_sql = in_section && t == "```sql";
      }
      continue;
    }
    if (t == "```") {
      if (in_sql) flush();
      in_fence = in_sql = false;
      continue;
    }
    if (!in_sql) continue;
    if (t.starts_with("--")) {
      const std::string text = trim(t.substr(2));
      const std::string sql = trim(cur.sql);
      if (sql.empty()) {
        cur.title += (cur.title.empty() ? "" : " ") + text;
        continue;
      }
      if (sql.ends_with(";")) {
        flush();
        cur.title = text;
        continue;
      }
    }
    if (!t.empty() || !trim(cur.sql).empty()) cur.sql += line + "\n";
  }
  if (in_fence) errors.push_back("a ``` block is not closed");
  if (!found_section)
    errors.push_back(std::string("README.md has no section \"") + kSection + "\"");
  return out;
}

std::string substitute(std::string text, const std::map<std::string, std::string>& anchors) {
  for (const auto& [name, value] : anchors) {
    const std::string token = "{" + name + "}";
    for (auto pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos)) {
      text.replace(pos, token.size(), value);
      pos += value.size();
    }
  }
  return text;
}

bool has_order_by(std::string sql) {
  std::transform(sql.begin(), sql.end(), sql.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return sql.find("ORDER BY") != std::string::npos;
}

std::string joined(const std::vector<std::string>& rows) {
  if (rows.empty()) return "    (no rows)\n";
  std::string s;
  for (const auto& r : rows) s += "    " + r + "\n";
  return s;
}

std::string read_readme() {
  const auto path = std::filesystem::path(MUC_MIGRATIONS_DIR).parent_path() / "README.md";
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) ADD_FAILURE() << "cannot read " << path;
  return text.str();
}

TEST(ReadmeSqlExtraction, SplitsBlocksOnTitlesAndReportsUntitledQueries) {
  const std::string readme =
      "## Other\n```sql\n-- not this one\nSELECT 0;\n```\n" + std::string(kSection) +
      "\n\ntext\n```sql\n-- First\n-- continued.\nSELECT 1\n-- inside\nFROM t;\n\n"
      "-- Second?\nSELECT 2;\n```\n```\nSELECT 'not sql';\n```\n```sql\nSELECT 3;\n```\n"
      "```sh\n## a shell comment, not a heading\n```\n```sql\n-- Third\nSELECT 5;\n```\n"
      "## Next\n```sql\n-- Not in the section\nSELECT 4;\n```\n";
  std::vector<std::string> errors;
  const auto queries = readme_queries(readme, errors);
  ASSERT_EQ(queries.size(), 3u);
  EXPECT_EQ(queries[0].title, "First continued.");
  EXPECT_EQ(queries[0].sql, "SELECT 1\n-- inside\nFROM t;");
  EXPECT_EQ(queries[1].title, "Second?");
  EXPECT_EQ(queries[1].sql, "SELECT 2;");
  EXPECT_EQ(queries[2].title, "Third");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("SELECT 3;"), std::string::npos) << errors[0];
}

using ReadmeSqlTest = StoreTest;

TEST_F(ReadmeSqlTest, EveryQueryGivesItsExpectedRowsOnTheSeed) {
  std::vector<std::string> errors;
  const auto queries = readme_queries(read_readme(), errors);
  for (const auto& e : errors) ADD_FAILURE() << "README.md, " << kSection << ": " << e;
  ASSERT_FALSE(queries.empty()) << "no ```sql queries found in README.md's " << kSection;

  std::set<std::string> titles;
  for (const auto& q : queries) {
    EXPECT_TRUE(titles.insert(q.title).second) << "two README queries are titled " << q.title;
  }
  for (const auto& [title, rows] : kExpected) {
    EXPECT_TRUE(titles.count(title))
        << "kExpected has rows for \"" << title
        << "\", which README.md's SQL section no longer has: remove them or fix the title";
  }

  auto conn = connect();
  pqxx::work t(*conn);
  t.exec0("SET LOCAL TimeZone = 'UTC'");
  t.exec0("SET LOCAL DateStyle = 'ISO, MDY'");
  std::map<std::string, std::string> anchors;
  for (const auto& [name, expr] : kAnchors) {
    anchors[name] = t.exec1("SELECT (" + expr + ")::timestamptz")[0].as<std::string>();
  }
  t.exec(substitute(kSeed, anchors));

  int checked = 0;
  for (const auto& q : queries) {
    SCOPED_TRACE("README query \"" + q.title + "\"");
    std::vector<std::string> actual;
    try {
      pqxx::subtransaction s(t, "readme_query");
      for (const auto& row : s.exec(q.sql)) {
        std::string line;
        for (pqxx::row::size_type i = 0; i < row.size(); ++i) {
          if (i > 0) line += "|";
          line += row[i].is_null() ? "NULL" : row[i].c_str();
        }
        actual.push_back(line);
      }
      s.commit();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "it fails: " << e.what() << "\n" << q.sql;
      continue;
    }
    auto it = kExpected.find(q.title);
    if (it == kExpected.end()) {
      ADD_FAILURE() << "README.md has the query \"" << q.title
                    << "\" but no expected result: add its rows to kExpected in "
                       "tests/db/readme_sql_test.cpp (seed more rows if it reads what the "
                       "seed lacks). On the seed it returns:\n"
                    << joined(actual);
      continue;
    }
    std::vector<std::string> expected;
    for (const auto& r : it->second) expected.push_back(substitute(r, anchors));
    const bool ordered = has_order_by(q.sql);
    if (!ordered) {
      std::sort(expected.begin(), expected.end());
      std::sort(actual.begin(), actual.end());
    }
    EXPECT_EQ(actual, expected) << q.sql << "\nexpected" << (ordered ? "" : " (any order)") << ":\n"
                                << joined(expected) << "got:\n"
                                << joined(actual);
    ++checked;
  }
  std::cout << "README.md: " << queries.size() << " queries, " << checked
            << " compared with their expected rows\n";
}

}  // namespace
}  // namespace db::test
