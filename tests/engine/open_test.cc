// engine/store/open: choosing the store, and connection strings shown without their secrets.
#include <catch2/catch.hpp>

#include "store/open.h"

using riskreg::redact_url;

TEST_CASE("redact_url masks the password in the user part", "[open]") {
  CHECK(redact_url("postgresql://ann:s3cret@db:5432/reg") == "postgresql://ann:***@db:5432/reg");
  // A password holding '@' or ':' (not percent-encoded) is masked whole.
  CHECK(redact_url("postgresql://ann:p@ss:w0rd@db/reg") == "postgresql://ann:***@db/reg");
  CHECK(redact_url("postgres://ann@db/reg") == "postgres://ann@db/reg");
  CHECK(redact_url("register.db") == "register.db");
}

TEST_CASE("redact_url masks passwords in query parameters", "[open]") {
  CHECK(redact_url("postgresql://db/reg?user=ann&password=hunter2") == "postgresql://db/reg?user=ann&password=***");
  CHECK(redact_url("postgresql://ann:x@db/reg?PassWord=hunter2&sslpassword=k3y&connect_timeout=2") ==
        "postgresql://ann:***@db/reg?PassWord=***&sslpassword=***&connect_timeout=2");
  CHECK(redact_url("postgresql:///reg?host=/run/postgresql&password=a%40b") ==
        "postgresql:///reg?host=/run/postgresql&password=***");
  // An '@' in the query is not the user part's end.
  CHECK(redact_url("postgresql://db/reg?application_name=a@b&password=p") ==
        "postgresql://db/reg?application_name=a@b&password=***");
}
