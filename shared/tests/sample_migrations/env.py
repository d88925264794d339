from cars_shared.migrate import run_env

run_env()
