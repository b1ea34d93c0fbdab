# Reading salonsim output in R, with Debian's r-cran-hdf5r (scripts/setup.sh --r installs it).
#
#   Rscript analysis/read_output.R FILE.h5 [RUN]
#
# RUN is the group that holds a run's tables: "/" for a single run (the default when the file
# has /agents), "/replicate_0", or "/arms/<arm>/replicate_0" in a comparison. The script prints
# what it read: the residents by sex and transport (coded columns arrive as factors, from the
# file's HDF5 enum types), and the alive count at the first and last step by income and sex.
#
# The functions are meant to be copied into your own analysis:
#   read_table(file, "/agents")                   a data.frame, one column per dataset
#   read_timeseries(file, "/timeseries", "alive") a data.frame in long form
#
# Why the timeseries need care: HDF5 stores arrays in C order and R in Fortran order, so hdf5r
# hands a [step, income_low, sex] dataset over as an R array of dim c(2, 2, steps). salonsim
# labels each axis (HDF5 dimension scales, attribute DIMENSION_LABELS, in C order); the labels
# reversed name R's axes, and aperm() turns the array round to [step, income_low, sex].
suppressPackageStartupMessages(library(hdf5r))

# A group of equal-length 1-D datasets as a data.frame; enums become factors, and each column
# keeps its units as an attribute.
read_table <- function(file, group) {
  g <- file[[group]]
  columns <- list()
  for (name in names(g)) {
    ds <- g[[name]]
    if (length(ds$dims) != 1) next
    values <- ds$read()
    # hdf5r gives an enum as a "factor_ext" (its codes may start at 0): make it a plain factor.
    if (inherits(values, "factor_ext")) values <- factor(as.character(values), levels(values))
    if ("units" %in% h5attr_names(ds)) attr(values, "units") <- h5attr(ds, "units")
    columns[[name]] <- values
  }
  as.data.frame(columns, stringsAsFactors = FALSE, check.names = FALSE)
}

# The names of a dataset's axes in R's order (NULL when it has no labels).
axis_names <- function(ds) {
  if (!("DIMENSION_LABELS" %in% h5attr_names(ds))) return(NULL)
  rev(h5attr(ds, "DIMENSION_LABELS"))
}

# One indicator of a timeseries group in long form: step, date, income, sex, count.
read_timeseries <- function(file, group, indicator) {
  g <- file[[group]]
  ds <- g[[indicator]]
  counts <- ds$read()
  axes <- axis_names(ds)
  if (is.null(axes)) stop(sprintf("%s/%s has no DIMENSION_LABELS", group, indicator))
  dimnames(counts) <- setNames(vector("list", length(axes)), axes)
  counts <- aperm(counts, match(c("step", "income_low", "sex"), axes))
  steps <- g[["step"]]$read()
  if (dim(counts)[1] != length(steps)) {
    stop(sprintf("%s/%s: %d steps on the step axis, %d in step", group, indicator,
                 dim(counts)[1], length(steps)))
  }
  dates <- if ("date" %in% names(g)) g[["date"]]$read() else rep(NA_character_, length(steps))
  income <- as.character(g[["income_low"]]$read())  # "high", "low": names from the enum
  sex <- as.character(g[["sex"]]$read())
  grid <- expand.grid(s = seq_along(steps), i = 1:2, x = 1:2)
  data.frame(step = steps[grid$s], date = dates[grid$s], income = income[grid$i],
             sex = sex[grid$x], count = counts[cbind(grid$s, grid$i, grid$x)],
             stringsAsFactors = FALSE)
}

main <- function(args) {
  if (length(args) < 1) stop("usage: Rscript analysis/read_output.R FILE.h5 [RUN]")
  file <- H5File$new(args[1], mode = "r")
  on.exit(file$close_all())
  run <- if (length(args) >= 2) args[2] else if (file$exists("agents")) "/" else "/replicate_0"
  prefix <- if (run == "/") "" else run
  agents <- read_table(file, paste0(prefix, "/agents"))
  cat(sprintf("agents: %d residents, %d columns\n", nrow(agents), ncol(agents)))
  for (coded in c("sex", "transport")) {
    counts <- table(agents[[coded]])
    cat(sprintf("%s (%s): %s\n", coded, class(agents[[coded]])[1],
                paste(sprintf("%s %d", names(counts), as.integer(counts)), collapse = ", ")))
  }
  cat(sprintf("x_m units: %s\n", attr(agents$x_m, "units")))
  alive <- read_timeseries(file, paste0(prefix, "/timeseries"), "alive")
  last <- max(alive$step)
  for (at in c(0, last)) {
    rows <- alive[alive$step == at, ]
    cat(sprintf("alive at step %d (%s): %s\n", at, rows$date[1],
                paste(sprintf("%s-income %s %d", rows$income, rows$sex, rows$count),
                      collapse = ", ")))
  }
  invisible(NULL)
}

if (sys.nframe() == 0) main(commandArgs(trailingOnly = TRUE))
