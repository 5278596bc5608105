//! SQL functions the local engine adds or mends so lake-spec SQL runs as Athena runs it.
//! `CORR` over a sliding `ROWS` frame: DataFusion's correlation accumulator can retract rows
//! but does not say so, so window frames refuse it; this wrapper says so. And, as Trino,
//! `CORR` of fewer than 2 (x, y) pairs is NULL: DataFusion's accumulator says NaN once a
//! sliding frame has retracted every pair (its running means become 0/0, and stay so: every
//! later frame read NaN too, so the accumulator restarts once its frame is empty). Trino's
//! `VARIANCE` (sample variance) is registered under that name too.

use std::any::Any;

use arrow::array::{Array, ArrayRef};
use arrow::datatypes::{DataType, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::functions_aggregate::correlation::{Correlation, CorrelationAccumulator};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, GroupsAccumulator, Signature};

/// `corr(y, x)` usable as an aggregate and over sliding window frames.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub struct SlidingCorr {
    inner: Correlation,
}

impl AggregateUDFImpl for SlidingCorr {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn signature(&self) -> &Signature {
        self.inner.signature()
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }
    fn accumulator(&self, acc_args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(Retracting { inner: self.inner.accumulator(acc_args)?, pairs: 0 }))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        self.inner.state_fields(args)
    }
    fn groups_accumulator_supported(&self, args: AccumulatorArgs) -> bool {
        self.inner.groups_accumulator_supported(args)
    }
    fn create_groups_accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn GroupsAccumulator>> {
        self.inner.create_groups_accumulator(args)
    }
}

#[derive(Debug)]
struct Retracting {
    inner: Box<dyn Accumulator>,
    /// Rows in the frame where both arguments are non-NULL (unknown after a merge: -1).
    pairs: i64,
}

/// Rows of `values` where every argument is non-NULL.
fn non_null_pairs(values: &[ArrayRef]) -> i64 {
    let Some(first) = values.first() else { return 0 };
    (0..first.len()).filter(|&i| values.iter().all(|a| a.is_valid(i))).count() as i64
}

impl Accumulator for Retracting {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        if self.pairs >= 0 {
            self.pairs += non_null_pairs(values);
        }
        self.inner.update_batch(values)
    }
    fn evaluate(&mut self) -> Result<ScalarValue> {
        if (0..2).contains(&self.pairs) {
            return Ok(ScalarValue::Float64(None));
        }
        self.inner.evaluate()
    }
    fn size(&self) -> usize {
        self.inner.size() + std::mem::size_of::<i64>()
    }
    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        self.inner.state()
    }
    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.pairs = -1;
        self.inner.merge_batch(states)
    }
    fn retract_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.inner.retract_batch(values)?;
        if self.pairs >= 0 {
            self.pairs -= non_null_pairs(values);
            if self.pairs == 0 {
                // DataFusion's running means are 0/0 = NaN once empty, and stay NaN: restart.
                self.inner = Box::new(CorrelationAccumulator::try_new()?);
            }
        }
        Ok(())
    }
    fn supports_retract_batch(&self) -> bool {
        true
    }
}

/// Registers the functions with a session.
pub fn register(ctx: &datafusion::execution::context::SessionContext) {
    ctx.register_udaf(AggregateUDF::new_from_impl(SlidingCorr::default()));
    // Trino's `variance` is the sample variance; DataFusion only names it var_samp / var.
    let var_samp = datafusion::functions_aggregate::variance::var_samp_udaf();
    ctx.register_udaf(var_samp.as_ref().clone().with_aliases(["variance"]));
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::execution::context::SessionContext;

    async fn one(ctx: &SessionContext, sql: &str) -> Vec<Option<f64>> {
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        let mut out = Vec::new();
        for b in batches {
            let col = arrow::compute::cast(b.column(0), &DataType::Float64).unwrap();
            let col = col.as_any().downcast_ref::<arrow::array::Float64Array>().unwrap();
            out.extend((0..col.len()).map(|i| col.is_valid(i).then(|| col.value(i))));
        }
        out
    }

    /// Trino: CORR and STDDEV of fewer than 2 rows are NULL, never NaN, as aggregates and
    /// over sliding frames (where DataFusion's own CORR says NaN once a frame empties).
    #[tokio::test]
    async fn statistics_of_fewer_than_two_rows_are_null_as_in_trino() {
        let ctx = SessionContext::new();
        register(&ctx);
        assert_eq!(one(&ctx, "SELECT CORR(y, x) FROM (VALUES (1.0, 2.0)) t(x, y)").await, vec![None]);
        assert_eq!(one(&ctx, "SELECT STDDEV(x) FROM (VALUES (1.0)) t(x)").await, vec![None]);
        assert_eq!(one(&ctx, "SELECT STDDEV_SAMP(x) FROM (VALUES (1.0)) t(x)").await, vec![None]);
        assert_eq!(one(&ctx, "SELECT VARIANCE(x) FROM (VALUES (1.0)) t(x)").await, vec![None]);
        assert_eq!(one(&ctx, "SELECT STDDEV_POP(x) FROM (VALUES (1.0)) t(x)").await, vec![Some(0.0)]);
        let window = "SELECT CORR(y, x) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM \
            (VALUES (1, 1.0, 2.0), (2, 2.0, 4.5), (3, NULL, NULL), (4, NULL, NULL), (5, 3.0, 1.0), (6, 4.0, 3.0)) t(i, x, y) ORDER BY i";
        let got = one(&ctx, window).await;
        assert_eq!(got.len(), 6);
        assert_eq!(got[0], None, "one pair");
        assert!((got[1].unwrap() - 1.0).abs() < 1e-12, "{got:?}");
        assert_eq!(&got[2..5], &[None, None, None], "frames of < 2 pairs: {got:?}");
        assert!((got[5].unwrap() - 1.0).abs() < 1e-12, "{got:?}");
        let grouped = "SELECT CORR(y, x) FROM (VALUES (1, 1.0, 2.0), (2, 2.0, 3.0), (2, 3.0, 5.0)) t(g, x, y) GROUP BY g ORDER BY g";
        let got = one(&ctx, grouped).await;
        assert_eq!(got[0], None);
        assert!((got[1].unwrap() - 1.0).abs() < 1e-12);
    }
}

#[cfg(test)]
mod known_differences {
    use datafusion::execution::context::SessionContext;

    async fn text(sql: &str) -> String {
        let ctx = SessionContext::new();
        super::register(&ctx);
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string()
    }

    /// Differences from Trino the local engine keeps (listed in the README): a cast of a
    /// fraction to an integer truncates (Trino rounds half away from zero), and DATE_TRUNC
    /// of a date returns a timestamp (Trino: a date). Integer division truncates in both.
    #[tokio::test]
    async fn casts_truncate_and_date_trunc_gives_a_timestamp() {
        let t = text("SELECT CAST(2.5 AS INTEGER) AS c, 7 / 2 AS d, DATE_TRUNC('month', DATE '2024-11-15') AS m").await;
        assert!(t.contains("| 2 | 3 | 2024-11-01T00:00:00 |"), "{t}");
    }
}
