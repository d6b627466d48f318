package dev.meridian.sql.plan;

import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;

/** Relational expressions evaluated by Meridian's storage access rather than by Calcite. */
public interface MeridianRel extends RelNode {

  Convention CONVENTION = new Convention.Impl("MERIDIAN", MeridianRel.class);
}
