//! SQL functions the local engine adds or mends so lake-spec SQL runs as Athena runs it.
//! `CORR` over a sliding `ROWS` frame: DataFusion's correlation accumulator can retract rows
//! but does not say so, so window frames refuse it; this wrapper says so.

use std::any::Any;

use arrow::array::ArrayRef;
use arrow::datatypes::{DataType, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::functions_aggregate::correlation::Correlation;
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
        Ok(Box::new(Retracting(self.inner.accumulator(acc_args)?)))
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
struct Retracting(Box<dyn Accumulator>);

impl Accumulator for Retracting {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.0.update_batch(values)
    }
    fn evaluate(&mut self) -> Result<ScalarValue> {
        self.0.evaluate()
    }
    fn size(&self) -> usize {
        self.0.size()
    }
    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        self.0.state()
    }
    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.0.merge_batch(states)
    }
    fn retract_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.0.retract_batch(values)
    }
    fn supports_retract_batch(&self) -> bool {
        true
    }
}

/// Registers the functions with a session.
pub fn register(ctx: &datafusion::execution::context::SessionContext) {
    ctx.register_udaf(AggregateUDF::new_from_impl(SlidingCorr::default()));
}
