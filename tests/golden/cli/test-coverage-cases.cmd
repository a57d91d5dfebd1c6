phasegate test coverage-cases --coverage
