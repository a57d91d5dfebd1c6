phasegate test coverage-cases/w.scenarios --coverage
