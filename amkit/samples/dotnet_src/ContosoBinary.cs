// ContosoBinary: the source of the binary-module sample's ContosoBinary.dll.
//
// Three cmdlets over a small in-memory widget catalogue. They show what amkit
// reads from a binary module's .NET metadata without loading it: CmdletAttribute
// (verb, noun and named arguments), OutputTypeAttribute given a typeof() or a
// string, ParameterAttribute in several parameter sets, aliases, and a parameter
// inherited from a shared base class.
using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;

[assembly: AssemblyTitle("ContosoBinary")]
[assembly: AssemblyDescription("Sample binary PowerShell module: cmdlets for Contoso widgets.")]
[assembly: AssemblyCompany("Contoso")]
[assembly: AssemblyVersion("1.0.0.0")]

namespace ContosoBinary
{
    /// <summary>A widget in the Contoso catalogue.</summary>
    public class ContosoWidget
    {
        public ContosoWidget(int id, string name, string category)
        {
            Id = id;
            Name = name;
            Category = category;
        }

        public int Id { get; }
        public string Name { get; set; }
        public string Category { get; }
    }

    /// <summary>The catalogue every cmdlet of the module reads and changes.</summary>
    internal static class Catalogue
    {
        internal static readonly List<ContosoWidget> Widgets = new List<ContosoWidget>
        {
            new ContosoWidget(1, "Flux capacitor", "Gadget"),
            new ContosoWidget(2, "Left-handed spanner", "Gizmo"),
            new ContosoWidget(3, "Self-sealing stem bolt", "Sprocket"),
        };

        internal static ContosoWidget Find(int id)
        {
            return Widgets.Find(widget => widget.Id == id);
        }
    }

    /// <summary>Parameters every Contoso cmdlet shares.</summary>
    public abstract class ContosoCmdletBase : PSCmdlet
    {
        /// <summary>The catalogue service; the in-memory catalogue when not given.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ServiceUri { get; set; }
    }

    /// <summary>Gets widgets by id, or by name and category.</summary>
    [Cmdlet(VerbsCommon.Get, "ContosoWidget", DefaultParameterSetName = "ByName",
        HelpUri = "https://docs.contoso.com/powershell/ContosoBinary/Get-ContosoWidget")]
    [OutputType(typeof(ContosoWidget))]
    public sealed class GetContosoWidgetCommand : ContosoCmdletBase
    {
        [Parameter(Mandatory = true, ParameterSetName = "ById", Position = 0,
            ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 100000)]
        public int Id { get; set; }

        [Parameter(ParameterSetName = "ByName", Position = 0)]
        [Alias("WidgetName")]
        public string Name { get; set; }

        [Parameter]
        [ValidateSet("Gadget", "Gizmo", "Sprocket")]
        public string Category { get; set; }

        protected override void ProcessRecord()
        {
            foreach (ContosoWidget widget in Catalogue.Widgets)
            {
                bool wanted = ParameterSetName == "ById"
                    ? widget.Id == Id
                    : Name == null || widget.Name.Equals(Name, StringComparison.OrdinalIgnoreCase);
                if (wanted && (Category == null || widget.Category == Category))
                {
                    WriteObject(widget);
                }
            }
        }
    }

    /// <summary>Renames a widget.</summary>
    [Cmdlet(VerbsCommon.Set, "ContosoWidget", DefaultParameterSetName = "ByObject",
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ContosoWidget))]
    public sealed class SetContosoWidgetCommand : ContosoCmdletBase
    {
        [Parameter(Mandatory = true, ParameterSetName = "ById")]
        public int Id { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "ByObject", Position = 0,
            ValueFromPipeline = true)]
        public ContosoWidget InputObject { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "ById", Position = 1)]
        [Parameter(Mandatory = true, ParameterSetName = "ByObject", Position = 1)]
        public string NewName { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            ContosoWidget widget = ParameterSetName == "ById" ? Catalogue.Find(Id) : InputObject;
            if (widget == null)
            {
                return;
            }
            if (ShouldProcess(widget.Name, "Rename to " + NewName))
            {
                widget.Name = NewName;
            }
            if (PassThru)
            {
                WriteObject(widget);
            }
        }
    }

    /// <summary>Writes widgets to a CSV file.</summary>
    [Cmdlet(VerbsData.Export, "ContosoWidget", SupportsShouldProcess = true)]
    [OutputType("System.IO.FileInfo")]
    public sealed class ExportContosoWidgetCommand : ContosoCmdletBase
    {
        private readonly List<ContosoWidget> _widgets = new List<ContosoWidget>();

        [Parameter(Mandatory = true, Position = 0)]
        [Alias("FilePath")]
        public string Path { get; set; }

        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public ContosoWidget[] InputObject { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            _widgets.AddRange(InputObject);
        }

        protected override void EndProcessing()
        {
            if (File.Exists(Path) && !Force)
            {
                throw new IOException("The file " + Path + " exists; use -Force to overwrite it.");
            }
            if (!ShouldProcess(Path, "Export " + _widgets.Count + " widgets"))
            {
                return;
            }
            var lines = new List<string> { "Id,Name,Category" };
            foreach (ContosoWidget widget in _widgets)
            {
                lines.Add(widget.Id + ",\"" + widget.Name.Replace("\"", "\"\"") + "\"," + widget.Category);
            }
            File.WriteAllLines(Path, lines);
            WriteObject(new FileInfo(Path));
        }
    }
}
