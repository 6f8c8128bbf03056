import { describeTest386Under } from "./lib/test386.js";

describeTest386Under("vtx");
