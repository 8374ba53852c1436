// A reference-only stand-in for System.Management.Automation 7.0.0.0.
//
// It declares, with the real names and shapes, just the PowerShell SDK types that
// ContosoBinary.cs uses, so that mcs can compile a binary module on a machine with
// neither PowerShell nor NuGet. The members have no real behaviour: this assembly
// is a compile-time reference only and is never shipped or loaded. What matters is
// the metadata it makes the compiler emit into ContosoBinary.dll: type references
// to System.Management.Automation.PSCmdlet, CmdletAttribute(verb, noun),
// ParameterAttribute with named arguments, and so on, exactly as a module built
// against the real SDK would have.
using System;
using System.Reflection;

[assembly: AssemblyTitle("System.Management.Automation (reference stand-in)")]
[assembly: AssemblyVersion("7.0.0.0")]

namespace System.Management.Automation
{
    public enum ConfirmImpact { None, Low, Medium, High }

    public static class VerbsCommon
    {
        public const string Add = "Add";
        public const string Get = "Get";
        public const string New = "New";
        public const string Remove = "Remove";
        public const string Set = "Set";
    }

    public static class VerbsData
    {
        public const string Export = "Export";
        public const string Import = "Import";
    }

    [AttributeUsage(AttributeTargets.All)]
    public abstract class CmdletMetadataAttribute : Attribute { }

    public abstract class CmdletCommonMetadataAttribute : CmdletMetadataAttribute
    {
        public string DefaultParameterSetName { get; set; }
        public bool SupportsShouldProcess { get; set; }
        public bool SupportsPaging { get; set; }
        public ConfirmImpact ConfirmImpact { get; set; }
        public string HelpUri { get; set; }
    }

    [AttributeUsage(AttributeTargets.Class)]
    public sealed class CmdletAttribute : CmdletCommonMetadataAttribute
    {
        public CmdletAttribute(string verbName, string nounName)
        {
            VerbName = verbName;
            NounName = nounName;
        }

        public string VerbName { get; }
        public string NounName { get; }
    }

    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
    public sealed class OutputTypeAttribute : CmdletMetadataAttribute
    {
        public OutputTypeAttribute(params Type[] type) { }
        public OutputTypeAttribute(params string[] type) { }
        public string[] ParameterSetName { get; set; }
    }

    public abstract class ParsingBaseAttribute : CmdletMetadataAttribute { }

    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = true)]
    public sealed class ParameterAttribute : ParsingBaseAttribute
    {
        public const string AllParameterSets = "__AllParameterSets";

        public ParameterAttribute()
        {
            Position = int.MinValue;
            ParameterSetName = AllParameterSets;
        }

        public int Position { get; set; }
        public string ParameterSetName { get; set; }
        public bool Mandatory { get; set; }
        public bool ValueFromPipeline { get; set; }
        public bool ValueFromPipelineByPropertyName { get; set; }
        public string HelpMessage { get; set; }
    }

    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
    public sealed class AliasAttribute : ParsingBaseAttribute
    {
        public AliasAttribute(params string[] aliasNames) { }
    }

    public abstract class ValidateArgumentsAttribute : CmdletMetadataAttribute { }

    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
    public sealed class ValidateSetAttribute : ValidateArgumentsAttribute
    {
        public ValidateSetAttribute(params string[] validValues) { }
        public bool IgnoreCase { get; set; }
    }

    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
    public sealed class ValidateRangeAttribute : ValidateArgumentsAttribute
    {
        public ValidateRangeAttribute(object minRange, object maxRange) { }
    }

    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
    public sealed class ValidateNotNullOrEmptyAttribute : ValidateArgumentsAttribute { }

    public struct SwitchParameter
    {
        private readonly bool _isPresent;

        public SwitchParameter(bool isPresent) { _isPresent = isPresent; }

        public bool IsPresent { get { return _isPresent; } }

        public static implicit operator bool(SwitchParameter switchParameter)
        {
            return switchParameter.IsPresent;
        }
    }

    public abstract class Cmdlet
    {
        protected virtual void BeginProcessing() { }
        protected virtual void ProcessRecord() { }
        protected virtual void EndProcessing() { }
        public void WriteObject(object sendToPipeline) { }
        public void WriteObject(object sendToPipeline, bool enumerateCollection) { }
        public void WriteVerbose(string text) { }
        public bool ShouldProcess(string target, string action) { return false; }
    }

    public abstract class PSCmdlet : Cmdlet
    {
        public string ParameterSetName { get { return null; } }
    }
}
