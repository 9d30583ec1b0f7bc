// LeakSanitizer suppressions for the db tests, built in so that every way of running
// db_tests (tests/db/run.sh, ctest) gets them.
//
// libpqxx 6.4 leaks one PGresult (about 2 KB) each time it finds a connection dead in
// the middle of an exec: connection_base::make_result() asks for the client encoding
// before it owns the PQexec() result, and that throws "Could not obtain client encoding:
// not connected". The reconnect test provokes exactly that. Only allocations made inside
// libpqxx are suppressed; a pqxx object leaked by our code is still reported, from its
// own allocation in our frames.
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libpqxx-6.4.so\n";
}
