"""Admin for the abnormal list, annual reports and credit repair."""
