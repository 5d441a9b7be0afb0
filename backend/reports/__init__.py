"""OJK complaint-handling reports: periods, the figures (aggregated in SQL), CSV and XLSX files."""
